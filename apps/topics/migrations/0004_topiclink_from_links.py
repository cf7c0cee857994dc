"""TopicLink moves from the links app to topics: the model changes owner, the table stays."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("links", "0002_paper_match"),
        ("topics", "0003_topic_if_time_allows_topic_minutes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TopicLink",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "label",
                            models.CharField(blank=True, max_length=40, verbose_name="ラベル"),
                        ),
                        ("position", models.PositiveIntegerField(default=0)),
                        (
                            "link",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="topic_extras",
                                to="links.link",
                            ),
                        ),
                        (
                            "topic",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="extra_links",
                                to="topics.topic",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "links_topiclink",
                        "ordering": ["position", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("topic", "link"), name="one_extra_link_per_topic"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
