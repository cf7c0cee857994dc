"""The reading queue: 聞きたい votes, proposals, claims to present, and what voters see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.links.services import link_for_pasted_url
from apps.meetings.models import Meeting
from apps.papers import queue
from apps.papers.models import LibraryNote, Paper, QueueEntry, Vote
from apps.papers.queue_selectors import claims_for_voter, queue_entries, topic_vote_states
from apps.papers.services import paper_add_tags, paper_for_link
from apps.papers.tags import parse_tag_list
from tests import factories

pytestmark = pytest.mark.django_db

ARXIV = "https://arxiv.org/abs/2503.08026"


def _ahead(weeks: int = 1) -> dt.date:
    return timezone.localdate() + dt.timedelta(weeks=weeks)


def _paper(url: str = ARXIV, title: str = "Reflective Memory Management") -> Paper:
    paper = paper_for_link(link_for_pasted_url(url))
    assert paper is not None
    paper.title = title
    paper.save()
    return paper


def _members(n: int):
    return [factories.MemberFactory() for _ in range(n)]


# --- votes ---------------------------------------------------------------------------------


def test_a_vote_on_a_library_paper_queues_it_and_a_second_vote_changes_nothing():
    paper = _paper()
    alice, bob = _members(2)
    queue.vote_paper(paper=paper, member=alice, on=True)
    queue.vote_paper(paper=paper, member=alice, on=True)  # a double click
    queue.vote_paper(paper=paper, member=bob, on=True)
    entry = QueueEntry.objects.get(paper=paper)
    assert entry.status == QueueEntry.Status.OPEN
    assert entry.proposed_by == alice
    assert sorted(v.member.handle for v in entry.votes.all()) == sorted([alice.handle, bob.handle])


def test_taking_back_the_only_vote_takes_the_paper_out_of_the_queue_again():
    paper = _paper()
    alice, bob = _members(2)
    queue.vote_paper(paper=paper, member=alice, on=True)
    queue.vote_paper(paper=paper, member=alice, on=False)
    assert not QueueEntry.objects.exists()
    # With another voter it stays: someone still wants to hear it.
    queue.vote_paper(paper=paper, member=alice, on=True)
    queue.vote_paper(paper=paper, member=bob, on=True)
    queue.vote_paper(paper=paper, member=alice, on=False)
    entry = QueueEntry.objects.get()
    assert [v.member for v in entry.votes.all()] == [bob]


def test_a_proposed_topic_on_an_upcoming_board_gets_votes_and_a_past_one_is_queued_again():
    upcoming = factories.topic(meeting=factories.meeting(date=_ahead()))
    past = factories.topic(meeting=factories.meeting(date=dt.date(2025, 3, 28)))
    alice, bob = _members(2)
    queue.vote_topic(topic_id=upcoming.pk, member=alice, on=True)
    queue.vote_topic(topic_id=upcoming.pk, member=bob, on=True)
    assert Vote.objects.filter(topic=upcoming).count() == 2
    assert not QueueEntry.objects.exists()

    queue.vote_topic(topic_id=past.pk, member=alice, on=True)
    entry = QueueEntry.objects.get()
    assert (entry.kind, entry.topic) == (QueueEntry.Kind.AGAIN, past)
    states = topic_vote_states(meeting=past.block.meeting, viewer=alice)
    assert (states[past.pk].count, states[past.pk].mine) == (1, True)
    assert topic_vote_states(meeting=past.block.meeting, viewer=bob)[past.pk].mine is False


def test_a_vote_bumps_the_board_revision_so_open_boards_show_it():
    topic = factories.topic(meeting=factories.meeting(date=_ahead()))
    before = Meeting.objects.get(pk=topic.block.meeting_id).revision
    queue.vote_topic(topic_id=topic.pk, member=factories.MemberFactory(), on=True)
    assert Meeting.objects.get(pk=topic.block.meeting_id).revision == before + 1


def test_voting_on_a_deleted_topic_is_refused_with_a_message(member_client):
    topic = factories.topic(meeting=factories.meeting(date=_ahead()))
    topic.deleted_at = timezone.now()
    topic.save()
    url = reverse("papers:topic-vote", args=[topic.pk])
    response = member_client.post(url, {"on": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "削除されました" in response.content.decode()
    assert not Vote.objects.exists()


# --- the queue -----------------------------------------------------------------------------


def test_the_queue_orders_by_votes_then_by_age():
    members = _members(3)
    old = queue.queue_propose(member=members[0], text="誰か拡散モデルの蒸留を").entry
    new = queue.queue_propose(member=members[1], text="拡散モデルの蒸留").entry
    wanted = queue.queue_propose(member=members[2], url=ARXIV).entry
    for member in members[:2]:
        queue.vote_entry(entry_id=wanted.pk, member=member, on=True)
    queue.vote_entry(entry_id=new.pk, member=members[0], on=True)
    assert [e.pk for e in queue_entries()] == [wanted.pk, new.pk, old.pk]
    assert [e.vote_count for e in queue_entries()] == [3, 2, 1]


def test_proposing_a_paper_url_makes_a_library_paper_with_a_card_and_a_second_proposal_votes():
    alice, bob = _members(2)
    first = queue.queue_propose(member=alice, url="https://arxiv.org/pdf/2503.08026v2")
    assert first.created
    paper = first.entry.paper
    assert paper.key == "arxiv:2503.08026"
    assert paper.links.get().link.canonical_url == ARXIV
    again = queue.queue_propose(member=bob, url=ARXIV)
    assert not again.created
    assert again.entry == first.entry
    assert first.entry.votes.count() == 2


def test_a_url_that_is_no_paper_is_refused_and_suggests_writing_a_request(member_client):
    response = member_client.post(
        reverse("papers:queue-propose"), {"url": "https://zenn.dev/someone/articles/rag"}
    )
    assert response.status_code == 422
    assert "リクエストとして文章で" in response.content.decode()
    assert not QueueEntry.objects.exists()


def test_an_empty_proposal_re_renders_the_form_with_a_message(member_client):
    response = member_client.post(reverse("papers:queue-propose"), {"url": "", "text": " "})
    assert response.status_code == 422
    assert "論文のURLか、聞きたいことを入力してください" in response.content.decode()


def test_the_queue_page_shows_entries_voters_and_filters_by_tag(member_client, member):
    paper = _paper()
    paper_add_tags(paper=paper, names=parse_tag_list("#RLVR"))
    queue.vote_paper(paper=paper, member=member, on=True)
    queue.queue_propose(member=factories.MemberFactory(handle="fr"), text="誰か拡散モデルの蒸留を")
    page = member_client.get(reverse("papers:queue")).content.decode()
    assert "Reflective Memory Management" in page
    assert "誰か拡散モデルの蒸留を" in page
    assert f"@{member.handle}" in page
    assert "@fr" in page
    tagged = member_client.get(reverse("papers:queue") + "?tag=rlvr").content.decode()
    assert "Reflective Memory Management" in tagged
    assert "誰か拡散モデル" not in tagged


def test_readers_who_are_not_signed_in_see_counts_but_not_who_voted(client, settings):
    settings.BOARD_PUBLIC_READ = True
    voter = factories.MemberFactory(handle="voter1")
    queue.queue_propose(member=voter, text="誰か拡散モデルの蒸留を")
    page = client.get(reverse("papers:queue")).content.decode()
    assert "誰か拡散モデル" in page
    assert "@voter1 が" in page  # who proposed it is part of the entry
    assert '<span title="' not in page.split("queue-entries", 1)[1].split("</ol>", 1)[0]


def test_a_vote_without_javascript_redirects_back_and_with_htmx_swaps_the_button(
    member_client, member
):
    entry = queue.queue_propose(member=factories.MemberFactory(), text="誰かRLHFを").entry
    url = reverse("papers:queue-vote", args=[entry.pk])
    plain = member_client.post(url, {"on": "1", "next": "/queue/?tag=x"})
    assert plain.status_code == 302
    assert plain.url == "/queue/?tag=x"
    swapped = member_client.post(url, {"on": "0"}, headers={"HX-Request": "true"})
    assert swapped.status_code == 200
    html = swapped.content.decode()
    assert f'id="vote-{entry.anchor}"' in html
    assert 'aria-pressed="false"' in html
    assert not entry.votes.filter(member=member).exists()
    # A foreign next= is not followed.
    evil = member_client.post(url, {"on": "1", "next": "https://evil.example/"})
    assert evil.url == reverse("papers:queue")


def test_withdrawing_is_for_the_proposer_or_an_organizer(member_client, organizer):
    entry = queue.queue_propose(member=factories.MemberFactory(), text="誰かRLHFを").entry
    url = reverse("papers:queue-withdraw", args=[entry.pk])
    assert member_client.post(url).status_code == 403
    member_client.force_login(organizer)
    assert member_client.post(url).status_code == 302
    entry.refresh_from_db()
    assert entry.status == QueueEntry.Status.WITHDRAWN
    assert not queue_entries().exists()


def test_anonymous_writes_go_to_the_login_page(client):
    entry = queue.queue_propose(member=factories.MemberFactory(), text="誰かRLHFを").entry
    for url in (
        reverse("papers:queue-vote", args=[entry.pk]),
        reverse("papers:queue-claim", args=[entry.pk]),
        reverse("papers:queue-propose"),
    ):
        response = client.post(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url
    assert entry.votes.count() == 1


# --- claims --------------------------------------------------------------------------------


def test_claiming_a_paper_creates_the_topic_on_the_next_open_meeting_from_my_note(member):
    factories.meeting(date=_ahead(1), status=Meeting.Status.LOCKED)
    open_meeting = factories.meeting(date=_ahead(2))
    paper = _paper()
    LibraryNote.objects.create(
        paper=paper, author=member, summary="長期対話の記憶を振り返る", comment="RMMが強い"
    )
    voters = _members(2)
    entry = queue.queue_propose(member=voters[0], url=ARXIV).entry
    queue.vote_entry(entry_id=entry.pk, member=voters[1], on=True)

    topic = queue.queue_claim(entry_id=entry.pk, member=member)
    assert topic.block.meeting == open_meeting
    assert topic.block.presenter == member
    assert (topic.kind, topic.url, topic.title) == ("paper", ARXIV, "Reflective Memory Management")
    assert "長期対話の記憶を振り返る" in topic.notes
    assert "RMMが強い" in topic.notes
    entry.refresh_from_db()
    assert (entry.status, entry.claimed_by, entry.claimed_topic) == ("claimed", member, topic)
    assert not queue_entries().exists()
    # The voters' 聞きたい follow the paper to the board, and they hear about it.
    assert {v.member for v in Vote.objects.filter(topic=topic)} == set(voters)
    assert claims_for_voter(member=voters[1], on=timezone.localdate()) == [entry]


def test_a_claim_already_taken_names_who_was_first(member_client, member):
    factories.meeting(date=_ahead())
    entry = queue.queue_propose(member=factories.MemberFactory(), text="誰かRLHFを").entry
    first = factories.MemberFactory(display_name="Kobayashi")
    queue.queue_claim(entry_id=entry.pk, member=first)
    response = member_client.post(reverse("papers:queue-claim", args=[entry.pk]), follow=True)
    assert "Kobayashiさんがすでに発表を引き受けています" in response.content.decode()
    assert entry.votes.count() == 1
    assert not member.presenter_blocks.exists()


def test_with_no_open_meeting_a_claim_says_so_and_the_entry_stays(member_client, member):
    factories.meeting(date=_ahead(), status=Meeting.Status.LOCKED)
    entry = queue.queue_propose(member=factories.MemberFactory(), text="誰かRLHFを").entry
    response = member_client.post(reverse("papers:queue-claim", args=[entry.pk]), follow=True)
    assert "募集中の勉強会がありません" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == QueueEntry.Status.OPEN


def test_claiming_a_past_topic_again_refers_to_the_earlier_presentation(member):
    factories.meeting(date=_ahead())
    presenter = factories.MemberFactory(handle="fr")
    past = factories.topic(
        meeting=factories.meeting(date=dt.date(2025, 3, 28)),
        presenter=presenter,
        kind="paper",
        url=ARXIV,
        title="RMM",
    )
    queue.vote_topic(topic_id=past.pk, member=factories.MemberFactory(), on=True)
    entry = QueueEntry.objects.get()
    topic = queue.queue_claim(entry_id=entry.pk, member=member)
    assert topic.url == ARXIV
    assert topic.title == "RMM"
    assert "2025-03-28 に @fr さんが紹介した" in topic.notes


def test_the_board_card_and_the_paper_page_show_the_votes(member_client, member):
    meeting = factories.meeting(date=_ahead())
    topic = factories.topic(meeting=meeting, kind="paper", url=ARXIV, title="RMM")
    queue.vote_topic(topic_id=topic.pk, member=member, on=True)
    board = member_client.get(meeting.get_absolute_url()).content.decode()
    card = board.split(f'id="vote-{topic.anchor}"', 1)[1].split("</div>", 1)[0]
    assert 'aria-pressed="true"' in card
    assert ">1<" in card.replace(" ", "")

    paper = Paper.objects.get(key="arxiv:2503.08026")
    queue.vote_paper(paper=paper, member=factories.MemberFactory(handle="kb"), on=True)
    page = member_client.get(paper.get_absolute_url()).content.decode()
    assert "この論文を発表する" in page
    assert "@kb" in page


def test_the_library_sorts_by_votes(member_client):
    quiet = _paper("https://arxiv.org/abs/2401.00001", "Quiet")
    wanted = _paper("https://arxiv.org/abs/2401.00002", "Wanted")
    for member in _members(2):
        queue.vote_paper(paper=wanted, member=member, on=True)
    queue.vote_paper(paper=quiet, member=factories.MemberFactory(), on=True)
    page = member_client.get(reverse("papers:library") + "?sort=wanted").content.decode()
    assert page.index("Wanted") < page.index("Quiet")
    assert "聞きたい 2人" in page


def test_my_page_tells_a_voter_who_will_present_what_they_wanted(member_client, member):
    factories.meeting(date=_ahead())
    entry = queue.queue_propose(member=member, url=ARXIV).entry
    queue.queue_claim(entry_id=entry.pk, member=factories.MemberFactory(handle="kb"))
    page = member_client.get(reverse("me")).content.decode()
    assert "聞きたいと言ったものの発表が決まりました" in page
    assert "@kb" in page


def test_the_call_for_topics_lists_claims_onto_the_meeting_and_the_top_requests():
    from apps.group.reminders import call_for_topics_message
    from apps.group.selectors import group_settings

    meeting = factories.meeting(date=_ahead())
    claimed = queue.queue_propose(member=factories.MemberFactory(), url=ARXIV).entry
    Paper.objects.filter(pk=claimed.paper_id).update(title="RMM <memory>")
    queue.queue_claim(entry_id=claimed.pk, member=factories.MemberFactory(handle="kb"))
    members = _members(2)
    top = queue.queue_propose(member=members[0], text="誰かRLHFの流れを").entry
    queue.vote_entry(entry_id=top.pk, member=members[1], on=True)
    queue.queue_propose(member=members[1], text="拡散モデルの蒸留")

    text = call_for_topics_message(meeting=meeting, group=group_settings())
    assert "・発表決定: RMM &lt;memory&gt; (@kb、聞きたい1人)" in text
    wanted = text.split("聞きたいリストの上位", 1)[1]
    assert wanted.index("誰かRLHFの流れを (聞きたい2人)") < wanted.index(
        "拡散モデルの蒸留 (聞きたい1人)"
    )
    assert "/queue/|一覧>" in text


def test_organizers_order_the_agenda_by_votes_and_can_still_move_rows(organizer_client):
    meeting = factories.meeting(date=_ahead())
    quiet, keen = factories.MemberFactory(handle="quiet"), factories.MemberFactory(handle="keen")
    q1 = factories.topic(meeting=meeting, presenter=quiet, title="静か")
    k1 = factories.topic(meeting=meeting, presenter=keen, title="そこそこ")
    k2 = factories.topic(meeting=meeting, presenter=keen, title="人気")
    for member in _members(3):
        queue.vote_topic(topic_id=k2.pk, member=member, on=True)
    queue.vote_topic(topic_id=k1.pk, member=factories.MemberFactory(), on=True)

    response = organizer_client.post(
        reverse("meetings:agenda-order-by-votes", args=[meeting.date]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "聞きたいの多い順に並べました" in response.content.decode()
    blocks = list(meeting.blocks.order_by("position").values_list("presenter__handle", flat=True))
    assert blocks == ["keen", "quiet"]
    order = list(
        meeting.blocks.get(presenter=keen).topics.order_by("position").values_list("pk", flat=True)
    )
    assert order == [k2.pk, k1.pk]
    assert q1.block.topics.get().position == 1
    # A suggestion only: the usual move still works afterwards.
    organizer_client.post(
        reverse("meetings:agenda-move-block", args=[meeting.date]),
        {"block": q1.block_id, "direction": "up"},
    )
    blocks = list(meeting.blocks.order_by("position").values_list("presenter__handle", flat=True))
    assert blocks == ["quiet", "keen"]


def test_members_cannot_reorder_the_agenda(member_client):
    meeting = factories.meeting(date=_ahead())
    url = reverse("meetings:agenda-order-by-votes", args=[meeting.date])
    assert member_client.post(url).status_code == 403
