"""Independent ActivityPub peers that integration tests start as real processes."""
