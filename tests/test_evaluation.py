"""The evaluation: the form, remarks and bottlenecks, drafts, outcomes and who hears what."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

from bot.clock import FakeClock
from bot.config import Settings
from bot.evaluation_form import load_form
from bot.i18n import shipped_languages
from bot.store import evaluations, internships, people
from bot.store.models import InternshipStatus, Role
from tests import factories
from tests.harness import BotHarness, ChatUser

NOT_FOR_YOU = "Dit is niet voor jou."
GOOD = "🟢 Goed"
AREAS = [
    "Kwaliteit van het werk",
    "Arbeidsattitudes",
    "Samenwerken",
    "Communicatie",
    "Persoonlijke vaardigheden",
    "Loopbaanvaardigheden",
    "Technische vaardigheden",
]


async def evaluation_row(bot: BotHarness) -> sqlite3.Row:
    """The one evaluation row, as stored."""
    row = await bot.services.db.fetchone("SELECT * FROM evaluations")
    assert row is not None
    return row


async def score(chat: ChatUser, *levels: str) -> None:
    for level in levels:
        await chat.press(level)


async def all_good_and(chat: ChatUser, outcome: str) -> None:
    await chat.send("📝 Evaluatie")
    await score(chat, *[GOOD] * 7)
    await chat.press(outcome)


def test_the_form_is_configuration_in_every_language() -> None:
    form = load_form()
    assert [a.key for a in form.areas] == [
        "quality",
        "work_attitudes",
        "working_together",
        "communication",
        "personal_skills",
        "career_skills",
        "technical_skills",
    ]
    assert [level.key for level in form.levels] == ["problematic", "basic", "good", "strength"]
    assert [level.key for level in form.levels if level.remark_required] == ["problematic"]
    languages = {lang.code for lang in shipped_languages()}
    for item in (*form.areas, *form.levels):
        assert languages <= set(item.labels), item.key
        assert all(label.strip() for label in item.labels.values()), item.key


async def test_a_favourable_evaluation(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await mieke.send("📝 Evaluatie")
    assert "U geeft een score voor 7 onderdelen" in mieke.texts[-2]
    assert "Onderdeel 1 van 7: <b>Kwaliteit van het werk</b>" in mieke.last_text
    assert mieke.last.button_labels == ["🔴 Problematisch", "🟠 Basis", "🟢 Goed", "⭐ Sterk punt"]
    await score(mieke, "⭐ Sterk punt", "🟠 Basis", GOOD, GOOD, GOOD, GOOD, GOOD)
    assert "Wat is het algemene resultaat van de stage van Samir El Amrani?" in mieke.last_text
    await mieke.press("✅ Gunstig")
    # No bottlenecks for a favourable result: straight to the paper form.
    assert "papieren evaluatieformulier" in mieke.last_text
    await mieke.press("➡️ Geen papieren formulier")
    summary = mieke.last_text
    assert "⭐ Kwaliteit van het werk: Sterk punt" in summary
    assert "🟠 Arbeidsattitudes: Basis" in summary
    assert "Resultaat: ✅ Gunstig" in summary
    assert "Papieren formulier: niet toegevoegd" in summary
    draft = await evaluations.get(bot.services.db, w.internship.id)
    assert draft is not None and draft.status == "draft"

    await mieke.press("✅ Naar de deskundige werkervaring sturen")
    assert "die de ondertekening van het contract plant" in mieke.last_text
    assert "Geef ook de exacte stage-uren door" in mieke.last_text

    row = await evaluation_row(bot)
    assert row["status"] == "submitted" and row["outcome"] == "favourable"
    assert row["submitted_by"] == w.employer.id and row["submitted_at"]
    assert row["form_method"] == "none" and row["form_file_id"] is None
    scores = json.loads(row["scores"])
    assert scores["quality"] == {"level": "strength", "remark": None}
    assert len(scores) == 7
    internship = await internships.get(bot.services.db, w.internship.id)
    assert internship is not None
    assert (internship.status, internship.outcome) == (InternshipStatus.EVALUATED, "favourable")

    caseworker = w.caseworker_chat.last
    assert "✅ Evaluatie van Samir El Amrani (Kringwinkel Zuid): <b>gunstig</b>." in caseworker.text
    assert "Plan de ondertekening van het contract." in caseworker.text
    assert "⭐ Kwaliteit van het werk: Sterk punt" in caseworker.text
    assert "Doorgegeven door Mieke Janssens." in caseworker.text
    assert caseworker.button_labels == ["📂 Openen", "⏰ Later"]

    client = w.client_chat.texts
    assert len(client) == 1
    assert "Je werkplek heeft de evaluatie van je stage doorgegeven." in client[0]
    assert "Je deskundige werkervaring An Peeters bespreekt die binnenkort met jou." in client[0]
    for secret in ("Sterk punt", "Basis", "Goed", "gunstig", "Gunstig"):
        assert secret not in client[0]


async def test_problematic_needs_a_remark(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await mieke.send("📝 Evaluatie")
    await mieke.press("🔴 Problematisch")
    assert (
        "U koos «Problematisch» voor <b>Kwaliteit van het werk</b>. Hier is een opmerking "
        "nodig" in mieke.last_text
    )
    # An old level button does not skip the remark.
    await mieke.press_data("eval:level:1:good")
    expired = bot.fake.calls_of("answerCallbackQuery")[-1].params["text"]
    assert expired == "Deze knop is verlopen. Gebruik het menu."
    await mieke.send_voice()
    assert mieke.last_text == "Typ de opmerking."
    await mieke.send("Werkt te slordig, <b>vaak</b> opnieuw")
    assert "Onderdeel 2 van 7: <b>Arbeidsattitudes</b>" in mieke.last_text
    draft = await evaluations.get(bot.services.db, w.internship.id)
    assert draft is not None
    assert draft.scores["quality"].remark == "Werkt te slordig, <b>vaak</b> opnieuw"
    await score(mieke, *[GOOD] * 6)
    await mieke.press("✅ Gunstig")
    await mieke.press("➡️ Geen papieren formulier")
    assert "    “Werkt te slordig, &lt;b&gt;vaak&lt;/b&gt; opnieuw”" in mieke.last_text


async def test_a_less_favourable_result_needs_bottlenecks_and_a_voice_is_forwarded(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await all_good_and(mieke, "⚠️ Minder gunstig")
    assert "Wat zijn de knelpunten? Typ ze, of stuur een spraakbericht." in mieke.last_text
    await mieke.send_photo()
    assert mieke.last_text == "Typ de knelpunten, of stuur een spraakbericht."
    await mieke.send_voice()
    assert "papieren evaluatieformulier" in mieke.last_text
    await mieke.send_document(file_name="evaluatie.pdf")
    summary = mieke.last_text
    assert "Knelpunten: 🎤 spraakbericht" in summary
    assert "Papieren formulier: 📎 toegevoegd" in summary
    await mieke.press("✅ Naar de deskundige werkervaring sturen")
    assert "die snel contact met u opneemt om samen een oplossing te zoeken" in mieke.last_text

    inbox = w.caseworker_chat.inbox
    assert [m.method for m in inbox] == ["sendMessage", "sendVoice", "sendDocument"]
    assert "⚠️ <b>Dringend</b>: de evaluatie van Samir El Amrani" in inbox[0].text
    assert "<b>minder gunstig</b>" in inbox[0].text
    assert "Knelpunten: 🎤 spraakbericht" in inbox[0].text
    assert inbox[1].text == "🎤 Knelpunten van Samir El Amrani (evaluatie)"
    assert inbox[2].text == "📎 Evaluatieformulier van Samir El Amrani"
    row = await evaluation_row(bot)
    voice = bot.fake.calls_of("sendVoice")[-1].params["voice"]
    assert row["bottlenecks_voice_file_id"] == voice
    assert row["form_method"] == "document"
    assert bot.fake.calls_of("sendDocument")[-1].params["document"] == row["form_file_id"]
    internship = await internships.get(bot.services.db, w.internship.id)
    assert internship is not None and internship.outcome == "less_favourable"


async def test_a_negative_result_is_urgent_and_marked_for_a_second_chance(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await all_good_and(mieke, "❌ Negatief")
    await mieke.send("Komt elke dag te laat & luistert niet")
    await mieke.send_photo()
    await mieke.press("✅ Naar de deskundige werkervaring sturen")
    assert "Samir El Amrani krijgt een tweede kans op een andere werkplek." in mieke.last_text

    inbox = w.caseworker_chat.inbox
    assert [m.method for m in inbox] == ["sendMessage", "sendPhoto"]
    assert "🚨 <b>Dringend</b>: de evaluatie van Samir El Amrani" in inbox[0].text
    assert "<b>negatief</b>" in inbox[0].text
    assert "gemarkeerd voor een tweede kans op een andere werkplek" in inbox[0].text
    assert "Knelpunten: Komt elke dag te laat &amp; luistert niet" in inbox[0].text
    row = await evaluation_row(bot)
    assert row["bottlenecks"] == "Komt elke dag te laat & luistert niet"
    assert row["form_method"] == "photo"
    internship = await internships.get(bot.services.db, w.internship.id)
    assert internship is not None
    assert (internship.status, internship.outcome) == (InternshipStatus.EVALUATED, "negative")
    assert "Je werkplek heeft de evaluatie van je stage doorgegeven." in w.client_chat.last_text


async def test_the_longest_evaluation_still_fits_in_telegrams_messages(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await mieke.send("📝 Evaluatie")
    for area in range(7):
        await mieke.press("🔴 Problematisch")
        await mieke.send(f"{area} " + "lang verhaal " * 38)  # about 500 characters
    await mieke.press("❌ Negatief")
    await mieke.send("knelpunt " * 222)  # about 2000 characters
    await mieke.press("➡️ Geen papieren formulier")
    assert "Deze evaluatie naar de deskundige werkervaring sturen?" in mieke.last_text
    await mieke.press("✅ Naar de deskundige werkervaring sturen")
    assert "🚨 <b>Dringend</b>" in w.caseworker_chat.last_text
    row = await evaluation_row(bot)
    assert row["status"] == "submitted" and len(row["bottlenecks"]) > 1900


async def test_the_caseworker_reads_it_in_their_language(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await people.set_language(bot.services.db, w.caseworker.id, "en")
    await people.set_language(bot.services.db, w.client.id, "uk")
    await all_good_and(w.employer_chat, "✅ Gunstig")
    await w.employer_chat.press("➡️ Geen papieren formulier")
    await w.employer_chat.press("✅ Naar de deskundige werkervaring sturen")
    text = w.caseworker_chat.last_text
    assert "Evaluation of Samir El Amrani (Kringwinkel Zuid): <b>favourable</b>." in text
    assert "Please plan the contract signing." in text
    assert "🟢 Quality of the work: Good" in text
    assert "оцінювання вашого стажування" in w.client_chat.last_text


async def test_changing_the_result_asks_the_bottlenecks_again(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await all_good_and(mieke, "✅ Gunstig")
    await mieke.press("➡️ Geen papieren formulier")
    await mieke.press("✏️ Het resultaat wijzigen")
    await mieke.press("⚠️ Minder gunstig")
    assert "Wat zijn de knelpunten?" in mieke.last_text
    await mieke.send("Te weinig tempo")
    assert "Knelpunten: Te weinig tempo" in mieke.last_text
    await mieke.press("✏️ Een score wijzigen")
    await mieke.press("Communicatie")
    await mieke.press("🔴 Problematisch")
    await mieke.send("Begrijpt de opdrachten niet")
    summary = mieke.last_text
    assert "🔴 Communicatie: Problematisch" in summary
    assert "“Begrijpt de opdrachten niet”" in summary
    assert "Resultaat: ⚠️ Minder gunstig" in summary


async def test_an_evaluation_is_resumed_after_an_interruption(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await mieke.send("📝 Evaluatie")
    await score(mieke, GOOD, "🟠 Basis", "🔴 Problematisch")
    # Interrupted before the remark: another menu button leaves the flow.
    await mieke.send("⏱ Stage-uren")
    draft = await evaluations.get(bot.services.db, w.internship.id)
    assert draft is not None and draft.status == "draft" and len(draft.scores) == 3

    bot.clock.advance(timedelta(hours=3))
    await mieke.send("📝 Evaluatie")
    assert "U was eerder al begonnen met de evaluatie van Samir El Amrani" in mieke.last_text
    await mieke.press("▶️ Verdergaan waar u stopte")
    assert "U koos «Problematisch» voor <b>Samenwerken</b>" in mieke.last_text
    await mieke.send("Werkt liever alleen")
    assert "Onderdeel 4 van 7: <b>Communicatie</b>" in mieke.last_text

    await mieke.send("/cancel")
    assert "Uw antwoorden zijn bewaard als ontwerp" in mieke.last_text
    await mieke.send("📝 Evaluatie")
    await mieke.press("▶️ Verdergaan waar u stopte")
    assert "Onderdeel 4 van 7" in mieke.last_text
    await score(mieke, *[GOOD] * 4)
    await mieke.press("✅ Gunstig")
    await mieke.press("➡️ Geen papieren formulier")
    assert "🟢 Kwaliteit van het werk: Goed\n🟠 Arbeidsattitudes: Basis" in mieke.last_text
    assert "“Werkt liever alleen”" in mieke.last_text


async def test_starting_again_throws_the_draft_away(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await mieke.send("📝 Evaluatie")
    await score(mieke, GOOD, GOOD)
    await mieke.send("/cancel")
    await mieke.send("📝 Evaluatie")
    await mieke.press("🔁 Opnieuw beginnen")
    assert "Onderdeel 1 van 7" in mieke.last_text
    assert await evaluations.get(bot.services.db, w.internship.id) is None


async def test_a_submitted_evaluation_is_not_submitted_twice(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await all_good_and(mieke, "✅ Gunstig")
    await mieke.press("➡️ Geen papieren formulier")
    summary = mieke.last
    await mieke.press("✅ Naar de deskundige werkervaring sturen")
    await mieke.press_data("eval:send", summary)
    await mieke.send("📝 Evaluatie")
    assert "De evaluatie van Samir El Amrani is al verstuurd op" in mieke.last_text
    assert len(w.caseworker_chat.inbox) == 1 and len(w.client_chat.inbox) == 1


async def test_the_paper_form_must_be_a_photo_or_a_pdf(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await all_good_and(mieke, "✅ Gunstig")
    await mieke.send_document(b"PK\x03\x04 zip", "form.docx", "application/vnd.openxmlformats")
    assert mieke.last_text == "Stuur een foto of een pdf. Andere bestanden worden niet aanvaard."
    await mieke.send("ik stuur het morgen")
    assert mieke.last_text == "Stuur een foto of pdf van het papieren formulier."
    await mieke.send_document(file_name="form.pdf")
    assert "Papieren formulier: 📎 toegevoegd" in mieke.last_text


async def test_an_employer_evaluates_only_their_own_trainees(bot: BotHarness) -> None:
    w = await factories.world(bot)
    second_client, _ = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    await factories.internship(bot, second_client, w.workplace, w.caseworker, w.employer)
    other_place = await factories.workplace(bot, "Sociaal Restaurant Noord")
    _, els = await factories.person(bot, Role.EMPLOYER, "Els Maes", workplace=other_place)
    stranger, _ = await factories.person(bot, Role.CLIENT, "Ahmed Benali")
    elsewhere = await factories.internship(bot, stranger, other_place, w.caseworker)

    await w.employer_chat.send("📝 Evaluatie")
    assert w.employer_chat.last_text == "Welke stagiair wilt u evalueren?"
    assert w.employer_chat.last.button_labels == ["Samir El Amrani", "Olena Kovalenko"]

    await els.send("📝 Evaluatie")
    assert "Ahmed Benali" in els.texts[0]
    # Forged: Els tries the evaluation of a trainee of Mieke's workplace.
    before = len(els.inbox)
    await els.press_data(f"eval:start:{w.internship.id}")
    assert bot.fake.calls_of("answerCallbackQuery")[-1].params["text"] == NOT_FOR_YOU
    assert len(els.inbox) == before
    await els.press("🔴 Problematisch")
    await els.send("Forged")
    assert await evaluations.get(bot.services.db, w.internship.id) is None
    draft = await evaluations.get(bot.services.db, elsewhere.id)
    assert draft is not None and draft.scores["quality"].remark == "Forged"

    # A client cannot open an evaluation, not even their own.
    await w.client_chat.send("/start")
    await w.client_chat.press_data(f"eval:start:{w.internship.id}")
    assert bot.fake.calls_of("answerCallbackQuery")[-1].params["text"] == NOT_FOR_YOU


async def test_the_reminder_button_opens_the_evaluation_of_that_trainee(bot: BotHarness) -> None:
    w = await factories.world(bot)
    second_client, _ = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    second = await factories.internship(bot, second_client, w.workplace, w.caseworker, w.employer)
    await w.employer_chat.send("/start")
    await w.employer_chat.press_data(f"eval:start:{second.id}")
    assert "📝 Evaluatie van Olena Kovalenko." in w.employer_chat.texts[-2]
    await w.employer_chat.press(GOOD)
    draft = await evaluations.get(bot.services.db, second.id)
    assert draft is not None and draft.scores["quality"].level == "good"
    assert draft.outcome is None


async def test_a_draft_survives_a_restart_of_the_bot(settings: Settings, clock: FakeClock) -> None:
    before = await BotHarness.start(settings, clock)
    try:
        w = await factories.world(before)
        await w.employer_chat.send("📝 Evaluatie")
        await score(w.employer_chat, GOOD, GOOD)
    finally:
        await before.stop()

    after = await BotHarness.start(settings, clock)
    # Telegram's update ids go on after a restart.
    after._update_ids = before._update_ids
    try:
        mieke = ChatUser(after, w.employer_chat.id, "Mieke", "nl")
        await mieke.send("📝 Evaluatie")
        assert "U was eerder al begonnen met de evaluatie" in mieke.last_text
        await mieke.press("▶️ Verdergaan waar u stopte")
        assert "Onderdeel 3 van 7: <b>Samenwerken</b>" in mieke.last_text
    finally:
        await after.stop()


async def test_the_hours_reminder_button_leaves_the_evaluation(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await mieke.send("📝 Evaluatie")
    await mieke.press("🔴 Problematisch")
    await mieke.press_data(f"hours:start:{w.internship.id}")
    await mieke.press("📅 Per dag")
    await mieke.send("7,5")
    assert "Dag 2 van 9" in mieke.last_text
    draft = await evaluations.get(bot.services.db, w.internship.id)
    assert draft is not None and draft.scores["quality"].remark is None


async def test_another_trainees_button_mid_way_opens_that_one_and_a_foreign_one_changes_nothing(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    second_client, _ = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    second = await factories.internship(bot, second_client, w.workplace, w.caseworker, w.employer)
    other_place = await factories.workplace(bot, "Sociaal Restaurant Noord")
    stranger, _ = await factories.person(bot, Role.CLIENT, "Ahmed Benali")
    elsewhere = await factories.internship(bot, stranger, other_place, w.caseworker)
    mieke = w.employer_chat
    await mieke.send("📝 Evaluatie")
    await mieke.press("Samir El Amrani")
    # Typed text at the first area is not taken for an answer.
    await mieke.send("goed")
    assert mieke.last_text == "Antwoord met de knoppen hierboven."
    await score(mieke, GOOD, "🔴 Problematisch")
    assert "Hier is een opmerking nodig" in mieke.last_text

    # Another workplace's trainee (forged): refused, and the remark is still asked.
    await mieke.press_data(f"eval:start:{elsewhere.id}")
    assert bot.fake.calls_of("answerCallbackQuery")[-1].params["text"] == NOT_FOR_YOU
    await mieke.send("Te traag")
    assert f"Onderdeel 3 van 7: <b>{AREAS[2]}</b>" in mieke.last_text
    samir = await evaluations.get(bot.services.db, w.internship.id)
    assert samir is not None and samir.scores["work_attitudes"].remark == "Te traag"

    # Their own second trainee, from a reminder: that evaluation opens, Samir's draft stays.
    await mieke.press_data(f"eval:start:{second.id}")
    assert "📝 Evaluatie van Olena Kovalenko." in mieke.texts[-2]
    await mieke.send("Een opmerking")
    assert mieke.last_text == "Antwoord met de knoppen hierboven."
    await mieke.press(GOOD)
    assert f"Onderdeel 2 van 7: <b>{AREAS[1]}</b>" in mieke.last_text
    olena = await evaluations.get(bot.services.db, second.id)
    assert olena is not None and olena.scores["quality"].level == "good"
    samir = await evaluations.get(bot.services.db, w.internship.id)
    assert samir is not None and len(samir.scores) == 2
