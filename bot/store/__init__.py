"""The store layer: every SQL statement of the bot lives in this package.

Modules group the queries by what they are about; each function takes the
`Database` first and returns plain dataclasses from `bot.store.models`.
"""
