"""Text messages (短信): queued once per event into the outbox, sent by a provider in a background job."""
