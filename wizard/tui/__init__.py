"""The Textual full-screen browser (`kela-ohjaus browse`)."""
