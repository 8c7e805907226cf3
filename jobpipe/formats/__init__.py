"""Date formats that override Django's English ones (settings.FORMAT_MODULE_PATH)."""
