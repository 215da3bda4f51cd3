"""The Songs tab: songs, their lyrics and versions, and the takes linked to them."""
