"""Content Credentials (C2PA): the instance's signing keys, the manifests fediart signs into every
rendition it stores, and reading them back (validation state, training and mining permissions)."""
