"""The internal JSON API: header-key authentication, one response envelope, thin views."""
