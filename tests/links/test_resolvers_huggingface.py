"""Hugging Face models, datasets and Spaces from the Hub API's recorded answers."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import FetchError
from apps.links import tasks
from apps.links.canonical import canonicalize
from apps.links.models import Link
from apps.links.resolvers import resolve
from apps.links.resolvers.huggingface import hub_repo
from tests import factories
from tests.links.fixtures import allow_local_server, load


@pytest.fixture
def hub(httpserver: HTTPServer, settings) -> HTTPServer:
    settings.HUGGINGFACE_URL = allow_local_server(settings, httpserver)
    return httpserver


def serve(hub: HTTPServer, path: str, fixture: str) -> None:
    hub.expect_request(path).respond_with_data(load(fixture), content_type="application/json")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://huggingface.co/meta-llama/Meta-Llama-3-8B-Instruct", ("model", "meta-llama/Meta-Llama-3-8B-Instruct")),  # noqa: E501
        ("https://huggingface.co/meta-llama/Meta-Llama-3-8B-Instruct/tree/main", ("model", "meta-llama/Meta-Llama-3-8B-Instruct")),  # noqa: E501
        ("https://huggingface.co/gpt2", ("model", "gpt2")),
        ("https://huggingface.co/datasets/openai/gsm8k/viewer", ("dataset", "openai/gsm8k")),
        ("https://hf.co/spaces/hf-audio/whisper-large-v3", ("space", "hf-audio/whisper-large-v3")),
        ("https://huggingface.co/blog/rlhf", None),
        ("https://huggingface.co/docs/transformers", None),
        ("https://huggingface.co/datasets", None),
        ("https://huggingface.example/gpt2", None),
    ],
)  # fmt: skip
def test_hub_addresses(url, expected):
    assert hub_repo(canonicalize(url).canonical_url) == expected


def test_a_model_card(hub):
    serve(hub, "/api/models/meta-llama/Meta-Llama-3-8B-Instruct", "hf_model.json")

    card = resolve(canonicalize("https://huggingface.co/meta-llama/Meta-Llama-3-8B-Instruct"))

    assert card.title == "meta-llama/Meta-Llama-3-8B-Instruct"
    assert card.authors == ["meta-llama"]
    assert card.extra["likes"] == 3712
    assert card.extra["downloads"] == 1543210
    assert card.extra["license"] == "llama3"
    assert card.extra["task"] == "text-generation"
    assert card.extra["last_modified"] == "2024-09-27T15:52:39.000Z"
    assert card.extra["gated"] is True
    assert card.suggested_kind == "oss"


def test_a_dataset_card(hub):
    serve(hub, "/api/datasets/openai/gsm8k", "hf_dataset.json")

    card = resolve(canonicalize("https://huggingface.co/datasets/openai/gsm8k"))

    assert card.site_name == "Hugging Face Datasets"
    assert card.extra["license"] == "mit"  # a list in the card data
    assert card.extra["task"] == "text2text-generation"
    assert card.canonical_url == "https://huggingface.co/datasets/openai/gsm8k"
    assert card.description.startswith("GSM8K (Grade School Math 8K)")


def test_a_space_card(hub):
    serve(hub, "/api/spaces/hf-audio/whisper-large-v3", "hf_space.json")

    card = resolve(canonicalize("https://huggingface.co/spaces/hf-audio/whisper-large-v3"))

    assert card.title == "Whisper Large V3 (hf-audio/whisper-large-v3)"
    assert card.extra["sdk"] == "gradio"
    assert card.extra["likes"] == 2034
    assert card.description == "Transcribe audio in 99 languages"


@pytest.mark.parametrize("status", [401, 404])
def test_a_missing_or_private_repository_is_not_found(hub, status):
    hub.expect_request("/api/models/nobody/nothing").respond_with_json(
        {"error": "Repository not found"}, status=status
    )
    with pytest.raises(FetchError) as excinfo:
        resolve(canonicalize("https://huggingface.co/nobody/nothing"))
    assert "見つかりません" in excinfo.value.message
    assert not excinfo.value.transient


@pytest.mark.django_db
def test_the_board_shows_likes_and_downloads(member_client, hub):
    serve(hub, "/api/datasets/openai/gsm8k", "hf_dataset.json")
    topic = factories.topic(url="https://huggingface.co/datasets/openai/gsm8k", title="")

    tasks.fetch_link.apply(args=[topic.link_id])

    assert Link.objects.get(pk=topic.link_id).status == "ok"
    board = member_client.get(topic.block.meeting.get_absolute_url()).content.decode()
    card = board[board.index(f'id="link-card-{topic.anchor}"') :][:3000]
    assert "♥ 612" in card
    assert "↓ 321987" in card
    assert "mit" in card
