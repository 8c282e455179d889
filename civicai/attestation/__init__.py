"""Attestations of training for organisations (issue 20): organisation settings, a French PDF per
participant, an Open Badges 3.0 credential signed with the organisation's Ed25519 key, and the hub
service from which a participant downloads their own."""
