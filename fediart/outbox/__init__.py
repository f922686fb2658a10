"""Publishing: turn local changes into activities, and deliver them to remote inboxes."""
