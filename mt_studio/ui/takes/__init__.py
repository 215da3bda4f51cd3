"""The Takes tab: a session's takes, their lanes, playback, practice, mix, consent and plugins."""
