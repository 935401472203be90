"""
The strategy library's starter set: classroom strategies and reasonable adjustments in
the four broad areas of need (Code of Practice 6.28-6.35), written for SENDhub from
strategies schools commonly use. Schools add their own; these rows have no school.
"""

from django.db import migrations

U, T, TP, S = "universal", "targeted", "targeted_plus", "specialist"

STARTER = {
    "CI": [
        (U, "Say it short and simple", "Give instructions in short chunks, using key words the pupil knows. Pause between steps and check understanding by asking the pupil to tell you what they will do first."),
        (U, "Visual timetable", "Keep a picture or word timetable of the lesson or day where the pupil can see it. Point to it at each change and cross off what is finished."),
        (U, "Warn before changes", "Tell the pupil a few minutes before an activity ends or the plan changes. Use the same signal each time, such as a countdown card or a quiet word."),
        (U, "Teach the vocabulary first", "Before a new topic, teach five to eight key words with pictures and examples. Keep a word mat on the desk and use the words often in the lesson."),
        (U, "Give thinking time", "After asking a question, wait at least ten seconds before expecting an answer. Tell the pupil you will come back to them so they can prepare."),
        (T, "Talk partners with a script", "Pair the pupil with a patient partner for talk tasks. Give sentence starters so both know how to begin and take turns."),
        (T, "Structured social skills group", "A small weekly group that practises one social skill at a time (joining in, turn taking, repair after a disagreement) with role play and praise."),
        (T, "Building narrative", "Use story frames (who, where, what happened, how it ended) with picture prompts so the pupil can tell or write a sequence of events."),
        (TP, "Speech and language programme", "Deliver the programme set by the speech and language therapist three times a week in short sessions, and share the targets with class staff."),
        (S, "Alternative and augmentative communication", "Use the pupil's signs, symbols or communication device in every lesson. Model using it yourself and make sure it is charged and within reach."),
    ],
    "CL": [
        (U, "Break tasks into steps", "Split longer tasks into numbered steps on a checklist. The pupil ticks each step as it is done, which also shows where help is needed."),
        (U, "Reduce copying", "Give printed notes or a photo of the board instead of asking the pupil to copy. Use the time saved for thinking and answering."),
        (U, "Worked examples side by side", "Show a completed example next to the task so the pupil can compare each step with their own work."),
        (U, "Pre-teach the lesson", "Spend five minutes before the lesson going over the key idea and words, so the pupil meets them a second time in class."),
        (U, "Memory aids on the desk", "Provide number lines, times-table squares, spelling lists or sound mats so working memory is kept for the main task."),
        (U, "Coloured overlays and paper", "Offer tinted paper or overlays and a clear, well-spaced font if the pupil finds text easier to read that way."),
        (T, "Short daily reading practice", "Ten minutes a day of reading aloud with an adult from well-matched books, with the same adult where possible, and a record of errors and progress."),
        (T, "Phonics catch-up", "Small-group phonics teaching that fills the gaps found in the pupil's phonics check, moving on only when each sound is secure."),
        (T, "Reading comprehension strategies", "Teach the pupil to predict, ask questions, clarify tricky words and summarise, modelling each with a short text before asking them to try."),
        (TP, "Precision teaching", "A few minutes daily on a small set of facts or words, timed and charted, so the pupil and staff can see fluency growing."),
    ],
    "SEMH": [
        (U, "Meet and greet", "Greet the pupil by name at the door and give a calm, positive start. A consistent adult noticing them early helps them settle."),
        (U, "Clear routines and expectations", "Keep the same lesson routine and display the expectations. Remind the whole class rather than singling the pupil out."),
        (U, "Praise what you want to see", "Notice and name specific things the pupil does well, quietly if public praise is hard for them, at least four times for every correction."),
        (U, "Work in short bursts", "Plan short, focused tasks with a brief movement or change between them rather than long periods of sitting."),
        (U, "Agreed seat", "Give the pupil a consistent seat away from distractions and near a supportive adult or peer, agreed with the pupil."),
        (T, "Calm space with a time-out card", "The pupil can show a card and go to an agreed calm space for a set time, then return. Staff know the routine and do not question it."),
        (T, "Check-in, check-out", "A named adult checks in with the pupil at the start and end of each day, reviewing a simple target card with them."),
        (T, "Emotional literacy sessions", "Regular small-group or one-to-one sessions that help the pupil name feelings, notice early signs and plan what to do."),
        (TP, "Key adult", "One trusted adult with protected time each week to build the relationship, support transitions and be the pupil's first point of contact."),
        (S, "Plan with outside specialists", "Follow the plan from the educational psychologist or mental health team, with a named member of staff linking home, school and the service."),
    ],
    "SP": [
        (U, "Seat for sight and hearing", "Seat the pupil near the front and the teacher, facing the light and away from noise, so they can see faces and the board."),
        (U, "Face the class when talking", "Face the pupil when speaking, do not talk while writing on the board, and repeat other pupils' answers."),
        (U, "Enlarged and clear resources", "Give print in a larger, clear font with good contrast and uncluttered pages, or a digital copy the pupil can zoom."),
        (U, "Movement breaks", "Allow short, planned breaks to move or stretch, built into the lesson rather than given as a reward."),
        (U, "Plan physical access", "Check the route, room layout, equipment height and exits for every lesson and trip before the day, not on it."),
        (T, "Writing aids", "Offer a pencil grip, sloping board, wider-lined paper or a laptop for longer writing, and let the pupil choose what works."),
        (T, "Fine motor skills practice", "Short daily activities (threading, pegs, scissors, dough) to build hand strength and control, led by a TA."),
        (T, "Radio aid and listening check", "Make sure the radio aid is on and working at the start of each lesson, and check the pupil can hear before teaching."),
        (TP, "Therapy programme in school", "Deliver the exercises set by the occupational therapist or physiotherapist, in the time and place agreed, and record each session."),
        (S, "Specialist teacher advice", "Put in place the adjustments recommended by the qualified teacher of the deaf or of the visually impaired and review them with them each term."),
    ],
}


def add_starter_set(apps, schema_editor):
    Strategy = apps.get_model("reviews", "Strategy")
    Strategy.objects.bulk_create(
        Strategy(broad_area=area, layer=layer, title=title, text=text)
        for area, rows in STARTER.items()
        for layer, title, text in rows
    )


def remove_starter_set(apps, schema_editor):
    Strategy = apps.get_model("reviews", "Strategy")
    Strategy.objects.filter(school__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_support_plans")]

    operations = [migrations.RunPython(add_starter_set, remove_starter_set)]
