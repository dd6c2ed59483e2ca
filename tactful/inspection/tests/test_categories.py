"""Table tests: each category, its hard negatives and its evasions."""

from __future__ import annotations

import pytest

from tactful.inspection import TextChecker

CHECKER = TextChecker()

FOUND = [
    # (text, recipient_role, category)
    ("我知道你女儿在哪个学校上学。", "debtor", "threat"),
    ("你最好小心点。", "debtor", "threat"),
    ("再不还钱，我找人打断你的腿。", "debtor", "threat"),
    ("你儿子每天几点放学我们都清楚。", "debtor", "threat"),
    ("We know where your kids go to school.", "debtor", "threat"),
    ("Pay by Friday, or else.", "debtor", "threat"),
    ("你这个老赖，欠钱不还。", "debtor", "insult"),
    ("真是个废物。", "debtor", "insult"),
    ("你是不是脑子有病？", "debtor", "insult"),
    ("You are a deadbeat.", "debtor", "insult"),
    ("Listen, you idiot.", "debtor", "insult"),
    ("我是市公安局的，请你配合调查。", "debtor", "impersonation"),
    ("我们是金鼎律师事务所的。", "debtor", "impersonation"),
    ("This is Officer Brown from the police department.", "debtor", "impersonation"),
    ("再不还钱就等着坐牢吧。", "debtor", "false_legal_claim"),
    ("你这已经构成诈骗罪了。", "debtor", "false_legal_claim"),
    ("你孩子以后都不能上学。", "debtor", "false_legal_claim"),
    ("The court is coming to your house today.", "debtor", "false_legal_claim"),
    ("You are committing fraud by not paying.", "debtor", "false_legal_claim"),
    ("我们会去报警告你诈骗。", "debtor", "false_legal_claim"),
    ("别以为我们吓唬你，这叫骗贷，要判刑的。", "debtor", "false_legal_claim"),
    (
        "This goes on your criminal record and will show up on every check.",
        "debtor",
        "false_legal_claim",
    ),
    ("再不还，我们就爆你通讯录。", "debtor", "exposure_threat"),
    ("不还钱我们就通知你父母。", "debtor", "exposure_threat"),
    ("把你欠钱的事发到朋友圈。", "debtor", "exposure_threat"),
    ("We will call your family and tell them.", "debtor", "exposure_threat"),
    ("他的贷款已经逾期了。", "emergency_contact", "third_party_disclosure"),
    ("请他准备三千元。", "third_party", "third_party_disclosure"),
    ("Your friend owes us money.", "emergency_contact", "third_party_disclosure"),
]

CLEAN = [
    # Hard negatives: empathy, offers, lawful statements, negations, benign words.
    ("您好，您本期账单已逾期3天，如有困难可以申请分期。", "debtor"),
    ("理解您现在的难处，我们可以一起商量还款计划。", "debtor"),
    ("如果长期未还，我们可能会依法向法院提起民事诉讼。", "debtor"),
    ("逾期记录可能按规定报送征信系统。", "debtor"),
    ("欠款属于民事纠纷，不会因此坐牢。", "debtor"),
    ("判决生效后，我们可以依法申请法院强制执行。", "debtor"),
    ("请放心，我们不会联系您的家人或单位。", "debtor"),
    ("我们不是警察，也不是法院。", "debtor"),
    ("我手机刚才死机了。", "debtor"),
    ("笑死，刚刚那个广告太好笑了。", "debtor"),
    ("路上小心点，注意安全。", "debtor"),
    ("请注意防范冒充我们公司的诈骗电话。", "debtor"),
    ("我们是持牌消费金融公司，受金融监管局监管。", "debtor"),
    ("If this is not settled we may file a civil claim, as the law allows.", "debtor"),
    ("You will not be arrested for a debt; this is a civil matter.", "debtor"),
    ("We will never contact your employer or family about this.", "debtor"),
    ("Feel free to tell your family about the payment plan if it helps.", "debtor"),
    ("My phone died so I missed your call.", "debtor"),
    # Scams, the news and reported speech name the words without claiming them.
    ("我还以为是诈骗电话，就挂了。", "debtor"),
    ("任何让您转账到个人账户的都是诈骗。", "debtor"),
    ("催收员说我要坐牢，是真的吗？", "debtor"),
    ("新闻里说一个冒充法院的团伙被抓了。", "debtor"),
    ("如果起诉，您会收到法院的传票。", "debtor"),
    ("欠款是民事問題，不會因此被抓去關。", "debtor"),
    ("Saw on the news that a fake collector was arrested downtown.", "debtor"),
    ("We apologise: the agent who mentioned jail was wrong.", "debtor"),
    # The debt may be named to the debtor and a guarantor, and never to anyone else.
    ("您的借款已逾期12天，应还金额3000元", "debtor"),
    ("您作为担保人，借款人目前逾期30天。", "guarantor"),
    ("王女士您好，麻烦您转告小陈给我们回个电话，谢谢。", "emergency_contact"),
    ("Please ask Ms Li to call us back", "third_party"),
    ("元旦快乐", "third_party"),
    ("knowledge is power", "third_party"),
]

EVASIONS = [
    ("你这个老 赖。", "insult"),
    ("你這個老．賴", "insult"),
    ("老*赖就是说你这种人。", "insult"),
    ("你个 laolai 还好意思躲？", "insult"),
    ("你个老癞子。", "insult"),
    ("傻B，赶紧还钱。", "insult"),
    ("ｓｂ一个，还不还？", "insult"),
    ("You are a d e a d b e a t.", "insult"),
    ("你\u200b老\u200b赖", "insult"),
    ("我是公 安 局的。", "impersonation"),
    ("再不还就 爆 通 讯 录。", "exposure_threat"),
    ("再不还就等着做牢吧。", "false_legal_claim"),
    ("你給我等著，走著瞧。", "threat"),
    ("ｌｏａｎ", "third_party_disclosure"),
]


@pytest.mark.parametrize(("text", "role", "category"), FOUND)
def test_violations_are_found(text, role, category):
    assert category in CHECKER.inspect(text, role).labels


@pytest.mark.parametrize(("text", "role"), CLEAN)
def test_hard_negatives_are_clean(text, role):
    assert CHECKER.inspect(text, role).labels == ()


@pytest.mark.parametrize(("text", "category"), EVASIONS)
def test_evasions_are_seen_through(text, category):
    assert category in CHECKER.inspect(text, "third_party").labels


@pytest.mark.parametrize("role", ["debtor", "guarantor"])
def test_the_debt_is_no_finding_for_the_parties_to_it(role):
    assert CHECKER.inspect("他的贷款已经逾期了。", role).labels == ()


def test_an_unknown_role_is_treated_as_outside_the_debt():
    assert CHECKER.inspect("他的贷款已经逾期了。", "neighbour").labels == (
        "third_party_disclosure",
    )


def test_labels_are_sorted_and_unique():
    result = CHECKER.inspect("我是派出所的，你已经被立案了，老赖，老赖。")

    assert result.labels == ("false_legal_claim", "impersonation", "insult")


def test_empty_text_is_clean():
    result = CHECKER.inspect("   ")

    assert (result.labels, result.findings, result.signals) == ((), (), ())


SIGNALS = [
    ("厂子上个月倒闭了，我现在一分钱收入都没有。", "job_loss"),
    ("I got laid off in March.", "job_loss"),
    ("我妈住院了，这个月的钱都交了医药费。", "illness"),
    ("I was diagnosed with cancer in May.", "illness"),
    ("我爸上个月去世了。", "bereavement"),
    ("My father passed away last week.", "bereavement"),
    ("老家发洪水，房子被淹了。", "disaster"),
    ("Our house was flooded last week.", "disaster"),
    ("我真的撑不下去了，有时候想一了百了。", "distress"),
    ("我不想活了。", "distress"),
    ("I just want to die.", "distress"),
]
NO_SIGNAL = [
    "我没有失业，只是这个月工资晚发了。",
    "笑死我了。",
    "我想死你了，好久没见！",
    "累死了，刚下班。",
    "系统崩溃了，请稍后再试。",
    "你想死吗？",  # the collector's threat, not the borrower's distress
    "My phone battery died.",
]


@pytest.mark.parametrize(("text", "kind"), SIGNALS)
def test_vulnerability_signals_are_heard(text, kind):
    assert kind in CHECKER.inspect(text).signal_kinds


@pytest.mark.parametrize("text", NO_SIGNAL)
def test_everyday_words_raise_no_signal(text):
    assert CHECKER.inspect(text).signal_kinds == ()


def test_signals_are_not_findings():
    result = CHECKER.inspect("我失业了。")

    assert result.labels == ()
    assert [signal.kind for signal in result.signals] == ["job_loss"]
