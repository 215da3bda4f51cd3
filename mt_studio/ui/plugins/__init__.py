"""The app's plugins: starting them, and the dialog that lists them."""
