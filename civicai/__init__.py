"""civic-ai-kit: hands-on notebooks that teach AI to citizens, offline."""

__version__ = "0.1.0"
