"""What other people hear: the notifications and reminders of each domain noun.

The texts (in the recipient's language) and the buttons for the recipients of what
an action did, and the reminder planners and handlers (`remind_*`). The actions
(`bot.actions`) queue the notifications; the bot, the command line and the web desk
all trigger the same ones.
"""
