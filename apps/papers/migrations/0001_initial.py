"""PaperMatch moves from the links app to papers: the model changes owner, the table stays."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("links", "0002_paper_match"),
        ("topics", "0003_topic_if_time_allows_topic_minutes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PaperMatch",
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
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "検索待ち"),
                                    ("searching", "検索中"),
                                    ("suggested", "確認待ち"),
                                    ("not_found", "見つからず"),
                                    ("failed", "検索失敗"),
                                    ("matched", "自動で一致"),
                                    ("confirmed", "確認済み"),
                                    ("dismissed", "該当なし"),
                                    ("superseded", "対象外"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=12,
                            ),
                        ),
                        ("title", models.CharField(blank=True, max_length=300)),
                        ("suggestions", models.JSONField(blank=True, default=list)),
                        ("arxiv_id", models.CharField(blank=True, max_length=40)),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        ("reason", models.CharField(blank=True, max_length=40)),
                        ("message", models.CharField(blank=True, max_length=300)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("searched_at", models.DateTimeField(blank=True, null=True)),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "resolved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "topic",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="paper_match",
                                to="topics.topic",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "links_papermatch",
                        "verbose_name": "論文の照合",
                        "verbose_name_plural": "論文の照合",
                        "ordering": ["pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
