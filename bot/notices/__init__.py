"""What other people hear about an action: the texts of the notifications, their buttons
for the recipients, and the reminder handlers; one module per domain noun, beside
`bot.actions`. The bot, the command line and the web desk all trigger the same ones.
"""
