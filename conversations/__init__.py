"""One module per conversation; each exports `handlers(i18n)` for `bot.handlers`."""
