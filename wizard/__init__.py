"""kela-ohjaus: route Finnish rehabilitation service providers to the right Kela contact."""

__version__ = "0.1.0"
