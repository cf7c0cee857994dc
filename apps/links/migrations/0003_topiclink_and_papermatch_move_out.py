"""TopicLink now belongs to topics and PaperMatch to papers; their tables and rows stay.

Only Django's record of who owns them changes, and the content types follow so that admin
permissions and history entries keep pointing at the same models.
"""

from django.db import migrations

MOVES = [("topiclink", "topics"), ("papermatch", "papers")]


def _relabel(apps, from_label_of, to_label_of) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, new_app in MOVES:
        old, new = from_label_of(new_app), to_label_of(new_app)
        if ContentType.objects.filter(app_label=new, model=model).exists():
            continue  # already created by a migrate run that saw the new owner first
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor) -> None:
    _relabel(apps, lambda new_app: "links", lambda new_app: new_app)


def backwards(apps, schema_editor) -> None:
    _relabel(apps, lambda new_app: new_app, lambda new_app: "links")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("links", "0002_paper_match"),
        ("topics", "0004_topiclink_from_links"),
        ("papers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="TopicLink"),
                migrations.DeleteModel(name="PaperMatch"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
