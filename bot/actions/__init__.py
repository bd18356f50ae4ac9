"""The domain actions: everything a person can do, one async function each.

The bot's conversations, the command line, the tests and the web desk all call
these; nothing here knows Telegram. An action takes plain values (ids, dates, the
acting `Person`), checks that this person may do it now, writes the store, plans
the reminders and queues the notifications to the other people concerned, all in
one transaction, and returns what it did. When it may not happen it raises a
`Refusal` (see `bot.actions.refusals`) before anything is written, and the caller
turns that into words in the person's language.

One module per domain noun: `internships`, `sick_reports`, `absences`, `hours`,
`evaluations`, `people`. Dependencies go one way: conversations -> actions ->
store -> db.
"""
