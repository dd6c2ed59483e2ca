"""Ports to the systems that reach people. SMS lives in `tactful.messaging`; voice is here."""
