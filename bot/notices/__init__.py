"""What other people hear about a person's action, and the reminders that follow it.

An action (`bot.actions`) queues these in its own transaction; the reminder handlers
(`remind_*`, `ask_*`, `tell_*`) are registered by the action module of the same noun.
Each recipient reads the text in their own language (`bot.notify`). Nothing here
knows the acting person's chat: their replies are the conversation's.
"""
