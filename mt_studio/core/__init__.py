"""The Qt-free core of mt_studio: library, consent policy, engines and services."""
