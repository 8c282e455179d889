"""Self-sign-up with a facilitator's approval (issue 20): JupyterHub's NativeAuthenticator, French pages."""
