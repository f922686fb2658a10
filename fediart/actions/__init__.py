"""What an artist can do, once: plain async functions the CLI, the client API and the web all call.

One module per noun. Each function takes the services and the acting account, returns rows, owns its
commit, and raises ActionError (a message worded for people and an HTTP-style status) when it cannot.
"""
