"""Incoming comments and replies: triage, actions, suggested replies, reply checks."""

from __future__ import annotations

import pytest

from sociopolicy import RulesetError, check_draft, load_ruleset, triage
from sociopolicy.comments import commenter_name

from .conftest import WriteRuleset


def _actions(report: object) -> set[tuple[str, str | None, str | None]]:
    return {(a.kind, a.to, a.within) for a in report.actions}  # type: ignore[attr-defined]


def test_self_harm_escalates_at_once_with_crisis_lines_and_hours() -> None:
    report = triage("Centrelink cut me off again. I can't go on. Thanks, Jane")
    assert report.decision == "escalate"
    assert ("escalate", "crisis_support", "PT1H") in _actions(report)
    assert "hide_comment" not in {a.kind for a in report.actions}  # never silently deleted
    reply = report.actions[0].suggested_reply
    assert reply is not None
    assert reply.startswith("Hi Jane,")
    for var in ("emergency_help", "crisis_lines", "monitored_hours"):
        assert str(load_ruleset().vars[var]) in reply


def test_a_fork_sets_its_own_crisis_lines_and_deadlines(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset(
        "fork.yaml",
        """
        name: springfield
        version: "1"
        extends: public-sector
        vars:
          emergency_help: call Triple Zero (000)
          crisis_lines: Lifeline on 13 11 14 or the Suicide Call Back Service on 1300 659 467
          urgent_within: PT30M
          reply_within: P2D
        """,
    )
    report = triage("honestly I just want to end it all", ruleset=fork)
    reply = report.actions[0].suggested_reply or ""
    assert "Triple Zero (000)" in reply
    assert "1300 659 467" in reply
    assert reply.startswith("We are really sorry")  # no name given
    assert ("escalate", "crisis_support", "PT30M") in _actions(report)
    complaint = triage("My bin wasn't collected again this week", ruleset=fork)
    assert ("take_offline", "complaints", "P2D") in _actions(complaint)


def test_threats_escalate_to_security_hide_and_do_not_engage() -> None:
    report = triage("I know where you park. Keep writing tickets and see what happens to you.")
    assert report.decision == "escalate"
    kinds = [(a.kind, a.to) for a in report.actions]
    assert kinds[0] == ("escalate", "security")
    assert ("hide_comment", None) in kinds
    assert ("do_not_engage", None) in kinds
    hide = next(a for a in report.actions if a.kind == "hide_comment")
    assert set(hide.rule_ids) == {"escalation.threat", "escalation.threat-signs"}


@pytest.mark.parametrize(
    "comment",
    [
        "The band was absolutely killing it at the festival!",
        "Does the community garden lend out a hoe and a rake?",
        "My mower's kill switch is broken, where can I get it repaired?",
        "Thanks for the police escort for the Anzac Day march",
        "Shoot me a message when the pool reopens",
        "I'm dying to try the new water slide",
        "This heat is killing me, please open the pool earlier",
    ],
)
def test_innocent_uses_of_violent_words_need_no_action(comment: str) -> None:
    report = triage(comment)
    assert report.ok, [(v.rule_id, v.excerpt) for v in report.violations]


def test_criticism_stays_visible() -> None:
    report = triage("This is a waste of ratepayers' money and a terrible decision.")
    assert report.ok


def test_personal_details_go_offline_hidden_and_the_reply_does_not_repeat_them() -> None:
    comment = (
        "My bin was missed again, I'm at 14 Wattle Street, ring me on 0491 570 156. Cheers Sam"
    )
    report = triage(comment)
    kinds = {(a.kind, a.to) for a in report.actions}
    assert {("take_offline", None), ("hide_comment", None)} <= kinds
    offline = next(a for a in report.actions if a.kind == "take_offline" and a.to is None)
    assert offline.suggested_reply is not None
    assert offline.suggested_reply.startswith("Hi Sam,")
    assert "Wattle" not in offline.suggested_reply
    assert "0491" not in offline.suggested_reply
    # The suggested reply itself passes the reply checks.
    checked = check_draft(offline.suggested_reply, kind="reply", in_reply_to=comment)
    assert not [v for v in checked.violations if v.target == "draft"]


@pytest.mark.parametrize(
    ("reply", "repeated"),
    [
        ("We'll send a truck to 14 Wattle Street tomorrow.", "14 Wattle Street"),
        ("We'll call you on +61 491 570 156 today.", "+61 491 570 156"),
        ("We've emailed SAM.LEE@example.com.", "SAM.LEE@example.com"),
        ("We'll call you on 0491-570-156 today.", "0491-570-156"),
    ],
)
def test_a_reply_that_repeats_details_from_the_comment_is_an_error(
    reply: str, repeated: str
) -> None:
    comment = "Bin missed at 14 Wattle Street again. Ring 0491 570 156 or email sam.lee@example.com"
    report = check_draft(reply, kind="reply", in_reply_to=comment)
    echoed = report.for_rule("privacy.reply-repeats-details")
    assert [v.excerpt for v in echoed] == [repeated]
    assert echoed[0].severity == "error"
    assert echoed[0].target == "draft"
    # Without the comment, the same reply repeats nothing.
    alone = check_draft(reply, kind="reply")
    assert not alone.for_rule("privacy.reply-repeats-details")


def test_the_organisations_own_numbers_may_be_repeated(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset(
        "fork.yaml",
        'name: f\nversion: "1"\nextends: public-sector\nvars:\n  phone_numbers: [02 9999 0000]\n',
    )
    comment = "I rang 02 9999 0000 three times and nobody answered"
    reply = "Sorry about that. Please call us again on (02) 9999 0000 or send us a private message."
    assert not check_draft(reply, kind="reply", in_reply_to=comment, ruleset=fork).for_rule(
        "privacy.reply-repeats-details"
    )
    assert check_draft(reply, kind="reply", in_reply_to=comment).for_rule(
        "privacy.reply-repeats-details"
    )


def test_a_reply_to_a_complaint_must_give_a_private_channel() -> None:
    comment = "My bin wasn't collected again this week, third time"
    bare = check_draft("Sorry to hear that, we'll look into it.", kind="reply", in_reply_to=comment)
    assert [v.rule_id for v in bare.violations if v.target == "draft"] == [
        "escalation.reply-offline"
    ]
    assert bare.decision == "revise" or bare.decision == "take_offline"
    good = check_draft(
        "Sorry to hear that. Please send us a private message with your address.",
        kind="reply",
        in_reply_to=comment,
    )
    assert not good.for_rule("escalation.reply-offline")
    # An ordinary question needs no private channel.
    plain = check_draft("The pool opens at 6am.", kind="reply", in_reply_to="When does it open?")
    assert not plain.for_rule("escalation.reply-offline")
    # Nor does a reply checked without its comment.
    assert not check_draft("Sorry to hear that.", kind="reply").for_rule("escalation.reply-offline")


def test_comment_and_reply_violations_are_told_apart() -> None:
    comment = "You absolute moron, my lawyer will be in touch"
    report = check_draft("You're wrong, that's not true.", kind="reply", in_reply_to=comment)
    targets = {v.rule_id: v.target for v in report.violations}
    assert targets["escalation.abuse"] == "comment"
    assert targets["escalation.legal"] == "comment"
    assert targets["tone.arguing"] == "draft"
    assert report.decision == "escalate"
    legal = next(a for a in report.actions if a.to == "legal")
    assert legal.kind == "escalate"


def test_admitting_liability_in_a_reply_is_a_conduct_error() -> None:
    comment = "Your pothole on Lyons Rd wrecked my tyre, I'm going to sue"
    report = check_draft(
        "Sorry, it was our fault and we will compensate you.", kind="reply", in_reply_to=comment
    )
    admitted = report.for_rule("conduct.admits-liability")
    assert [v.excerpt for v in admitted] == ["it was our fault", "we will compensate you"]
    assert {v.category for v in admitted} == {"conduct"}
    assert all(v.severity == "error" for v in admitted)


def test_misinformation_is_corrected_outside_an_election_and_reviewed_in_one() -> None:
    comment = "The flood warning is fake, they just want us to stay home"
    usual = triage(comment)
    assert [(a.kind, a.rule_ids) for a in usual.actions] == [
        ("respond", ("escalation.misinformation",))
    ]
    election = triage(comment, context={"election_period": True})
    assert [(a.kind, a.rule_ids) for a in election.actions] == [
        ("review", ("escalation.misinformation-election",))
    ]


def test_media_legal_political_and_spam_comments_get_their_handling() -> None:
    cases = {
        "Hi, I'm a reporter with the Herald, could your media team call me?": ("escalate", "media"),
        "Councillor Smith is taking bribes from developers": ("escalate", "legal"),
        "Typical Labor, spend spend spend": ("do_not_engage", None),
        "Earn $5000 a week from home, DM me for details": ("hide_comment", None),
    }
    for comment, expected in cases.items():
        assert expected in {(a.kind, a.to) for a in triage(comment).actions}, comment


def test_sarcastic_replies_are_flagged() -> None:
    report = check_draft("Oh great, another complaint. Good luck with that.", kind="reply")
    assert report.for_rule("tone.sarcasm")
    assert not check_draft("Thanks, we'll fix it this week.", kind="reply").for_rule("tone.sarcasm")


@pytest.mark.parametrize(
    ("comment", "name"),
    [
        ("Where is my payment? Thanks, Jane", "Jane"),
        ("fix the road\n- Mike T", "Mike"),
        ("Regards,\nPriya Sharma.", "Priya"),
        ("My name is Sam and my rates are wrong", "Sam"),
        ("Thanks Council", None),
        ("thanks heaps", None),
        ("Thanks for nothing", None),
        ("Where is my payment", None),
        ("Thanks, Zo\u00eb", "Zo\u00eb"),
        ("Ng\u0101 mihi, Aroha", "Aroha"),
        ("I can't do this anymore - Goodbye", None),
        ("Kind regards, Dr Smith", None),
        ("Thanks Mayor", None),
        ("Fix the road - Disgraceful!", None),
        ("Regards, Concerned Resident", None),
        ("THANKS JOHN", None),
    ],
)
def test_the_commenter_name_comes_from_a_sign_off_or_introduction(
    comment: str, name: str | None
) -> None:
    assert commenter_name(comment) == name


def _rule_with(write_ruleset: WriteRuleset, body: str, vars_: str = "") -> str:
    return str(
        write_ruleset(
            "t.yaml",
            'name: t\nversion: "1"\n'
            + vars_
            + "rules:\n  - id: escalation.x\n    category: escalation\n    kind: terms\n"
            + "    terms: [refund]\n    applies_to: [comment]\n    message: m\n"
            + body
            + '    source: https://example.org\n    examples: {fail: ["[[refund]]"], pass: ["b"]}\n',
        )
    )


def test_within_can_name_a_var(write_ruleset: WriteRuleset) -> None:
    path = _rule_with(
        write_ruleset,
        '    action: {kind: take_offline, within: "{{ vars.soon }}"}\n',
        "vars:\n  soon: PT4H\n",
    )
    assert [a.within for a in triage("refund", ruleset=path).actions] == ["PT4H"]


@pytest.mark.parametrize(
    ("body", "vars_", "message"),
    [
        (
            '    action: {kind: take_offline, within: "{{ vars.soon }}"}\n',
            "",
            "t.yaml:10:42: rule 'escalation.x', field 'action.within': 'within' uses "
            "vars.soon, which is not defined; add it under 'vars'",
        ),
        (
            '    action: {kind: take_offline, within: "{{ vars.soon }}"}\n',
            "vars:\n  soon: tomorrow\n",
            "t.yaml sets to 'tomorrow', not an ISO 8601 duration",
        ),
        (
            "    when: {comment: [escalation.nope]}\n",
            "",
            "'when: comment' names 'escalation.nope', which is not a rule of this ruleset",
        ),
        (
            "    also: [{kind: hide_comment, reply: hi}]\n",
            "",
            "a suggested reply goes on the rule's main 'action', not under 'also'",
        ),
        (
            '    action: {kind: respond, reply: "Hi {{ comment.__class__ }}"}\n',
            "",
            "field 'action.reply': the template reaches for '__class__'; names starting "
            "with '_' are Python internals, which templates cannot use",
        ),
        (
            '    action: {kind: respond, reply: "Hi {{ commentor }}"}\n',
            "",
            "t.yaml:10:36: rule 'escalation.x', field 'action.reply': the template uses "
            "'commentor', which is not defined; it can use comment, commenter, kind",
        ),
    ],
)
def test_reply_settings_are_checked_when_the_ruleset_loads(
    write_ruleset: WriteRuleset, body: str, vars_: str, message: str
) -> None:
    path = _rule_with(write_ruleset, body, vars_)
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    assert message in str(caught.value)


def test_when_comment_must_name_a_comment_rule(write_ruleset: WriteRuleset) -> None:
    path = write_ruleset(
        "t.yaml",
        """
        name: t
        version: "1"
        extends: public-sector
        rules:
          - id: tone.reply-x
            category: tone
            kind: terms
            terms: [whatever]
            applies_to: [reply]
            when: {comment: [tone.insult]}
            message: m
            source: https://example.org
            examples: {fail: ["[[whatever]]"], pass: ["b"]}
        """,
    )
    with pytest.raises(RulesetError, match=r"'tone\.insult', which does not run on incoming"):
        load_ruleset(path)


def test_the_sandbox_refuses_internals_built_at_render_time(write_ruleset: WriteRuleset) -> None:
    # A name put together from pieces gets past the load-time check; the
    # sandbox refuses it when rendering, and the check goes on.
    path = _rule_with(
        write_ruleset,
        "    action: {kind: respond, reply: \"{{ comment['_' ~ '_' ~ 'class' ~ '_' ~ '_'] }}\"}\n",
    )
    report = triage("refund please", ruleset=path)
    reply = report.actions[0].suggested_reply or ""
    assert "class" not in reply
    assert "could not be shown" in reply


@pytest.mark.parametrize(
    "channels",
    [
        "",
        "vars:\n  complaints_channel: complaints@springfield.example\n"
        "  contact_channel: 1300 555 123\n  email_domains: [springfield.example]\n",
    ],
)
def test_the_bundled_suggested_replies_pass_the_reply_checks(
    write_ruleset: WriteRuleset, channels: str
) -> None:
    # A reply the ruleset suggests must not fail the ruleset's own reply checks.
    fork = write_ruleset("fork.yaml", 'name: f\nversion: "1"\nextends: public-sector\n' + channels)
    ruleset = load_ruleset(fork)
    checked = 0
    for rule in ruleset.rules:
        if "comment" not in rule.applies_to or rule.action.reply is None:
            continue
        for example in rule.examples.fail:
            comment = example.plain
            for action in triage(comment, ruleset=ruleset).actions:
                if action.suggested_reply is None:
                    continue
                report = check_draft(
                    action.suggested_reply, kind="reply", in_reply_to=comment, ruleset=ruleset
                )
                failing = [
                    (v.rule_id, v.excerpt)
                    for v in report.violations
                    if v.target == "draft" and v.severity != "suggestion"
                ]
                assert failing == [], (rule.id, action.suggested_reply)
                checked += 1
    assert checked >= 10


@pytest.mark.parametrize(
    "reply",
    [
        "Sorry about that. Please call 1300 555 123 and our team will look into it.",
        "Sorry! Please email bins@springfield.example with your address.",
        "Sorry, please message the page and we'll sort it out.",
        "Sorry, please fill in the form at springfield.example/bins.",
        "Sorry about that, our team will call you today.",
    ],
)
def test_a_phone_number_email_form_or_promised_call_is_a_private_channel(reply: str) -> None:
    comment = "My bin wasn't collected again this week, third time"
    report = check_draft(reply, kind="reply", in_reply_to=comment)
    assert not report.for_rule("escalation.reply-offline")


@pytest.mark.parametrize(
    ("reply", "rule_id", "fires"),
    [
        (
            "Our mistake, the crew missed it. We'll cover the repairs.",
            "conduct.admits-liability",
            True,
        ),
        ("Sorry, we should have fixed that pothole weeks ago.", "conduct.admits-liability", True),
        (
            "We'll refund the class fee when a class is cancelled.",
            "conduct.admits-liability",
            False,
        ),
        ("Thank you for your comment. You're wrong.", "tone.arguing", True),
        (
            "No, we charge $5 for adults, as we said in the post. Kids are free!",
            "tone.arguing",
            False,
        ),
        (
            "Genius idea! Clearly lots of people want one, so we're looking at it.",
            "tone.sarcasm",
            False,
        ),
        ("Yeah right, because the council controls the weather.", "tone.sarcasm", True),
    ],
)
def test_reply_tone_and_conduct_checks(reply: str, rule_id: str, fires: bool) -> None:
    report = check_draft(reply, kind="reply", in_reply_to="Why is the pothole still there?")
    assert bool(report.for_rule(rule_id)) is fires


def test_a_cry_for_help_is_never_hidden_whatever_else_the_comment_says() -> None:
    report = triage(
        "These council idiots cut my payment. I live at 5 Smith St. I want to kill myself."
    )
    kinds = {a.kind for a in report.actions}
    assert "escalate" in kinds
    assert "hide_comment" not in kinds
    assert report.actions[0].to == "crisis_support"
    assert "hidden" not in " ".join(a.suggested_reply or "" for a in report.actions)


@pytest.mark.parametrize(
    ("comment", "reply", "repeated"),
    [
        ("I live at 9 Kurrajong Close", "We'll visit 9 Kurrajong Cl tomorrow.", "9 Kurrajong Cl"),
        ("I'm at 12 King St", "Thanks, we'll check 12 King Street today.", "12 King Street"),
        ("My DOB is 14/02/1961", "We have your birthday as 14 February 1961.", "14 February 1961"),
        ("born 14 February 1961", "Is 14.02.61 right?", "14.02.61"),
    ],
)
def test_repeated_details_match_however_they_are_written(
    comment: str, reply: str, repeated: str
) -> None:
    report = check_draft(reply, kind="reply", in_reply_to=comment)
    assert [v.excerpt for v in report.for_rule("privacy.reply-repeats-details")] == [repeated]


def test_a_different_date_or_street_is_not_a_repeat() -> None:
    comment = "I live at 9 Kurrajong Close, DOB 14/02/1961"
    reply = "Thanks. The hall at 9 Kurrajong Road opens on 15 February 1961."
    report = check_draft(reply, kind="reply", in_reply_to=comment)
    assert not report.for_rule("privacy.reply-repeats-details")


@pytest.mark.parametrize(
    "comment",
    [
        # Each is flagged only by a signals rule; the reply still needs a private channel.
        "Tell my case worker not to bother calling back, I won't be around to answer",
        "Bins on our street have been missed three weeks running.",
        "Could you please update the postal address on my rates account?",
    ],
)
def test_a_reply_to_a_comment_flagged_by_signs_needs_a_private_channel(comment: str) -> None:
    flagged = {v.rule_id for v in triage(comment).violations}
    assert flagged & {
        "escalation.self-harm-signs",
        "escalation.complaint-signs",
        "escalation.service-request-signs",
    }
    bare = check_draft("Thanks for letting us know.", kind="reply", in_reply_to=comment)
    assert bare.for_rule("escalation.reply-offline")
    helped = check_draft(
        "Thanks for letting us know. Please send us a private message so we can help.",
        kind="reply",
        in_reply_to=comment,
    )
    assert not helped.for_rule("escalation.reply-offline")
