"""What runs a browser, a Jupyter kernel, a pseudo-terminal, the packaging, the docs, the fuzz
corpus through the CLI, or the same commands in separate processes."""
