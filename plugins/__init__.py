"""Built-in plugins other than storage backends: report formats and importers."""
