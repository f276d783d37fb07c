"""Storage backends shipped with teacher-exchange: ``memory:`` and ``sqlite:``."""
