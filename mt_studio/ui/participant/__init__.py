"""The participant's own page ("My songs"): their songs, their takes, recording and copies."""
