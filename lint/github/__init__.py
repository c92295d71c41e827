"""GitHub integration: event parsing, the Checks API client and PR review comments.

Kept apart from the reporters because these talk to the network (through PyGithub),
while a reporter only renders findings to a stream.
"""
