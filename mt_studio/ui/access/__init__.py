"""Who is at the keyboard, in the window: signing in, the first account, the lock, leaving
participant mode (docs/architecture.md: every rule itself lives in the studio)."""
