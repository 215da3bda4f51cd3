"""`python -m mt_studio` runs the same entry point as the `mt-studio` command."""

from mt_studio.start import main

raise SystemExit(main())
