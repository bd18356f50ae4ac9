"""The caseworker's desk: a web application in the bot's own process and event loop.

`bot.desk.app.create_app` builds the Starlette application on the bot's services;
`bot.desk.server.DeskServer` serves it with uvicorn beside polling or the webhook.
Every page and form goes through `bot.actions`, exactly as the bot's flows do.
"""
