"""The questionary step-by-step wizard (`kela-ohjaus wizard`)."""
