"""rag.gather.values: the asked value of one sentence and the agreement rule, on sentences quoted from the
SaudiNewsNet articles of eval/gather_corroboration.jsonl (2015-07-21) and from the seed articles."""

from __future__ import annotations

import pytest

from rag.gather.values import Value, asked_values, same_value

DAY = "2015-07-21"
KILLED = "كم قتيلا سقط في تفجير سروج؟"
INJURED = "كم جريحا في تفجير سروج؟"


def first(question: str, sentence: str, published: str | None = DAY) -> Value:
    values = asked_values(question, sentence, published=published)
    assert values, sentence
    value = values[0]
    assert sentence[value.start : value.end] == value.text  # offsets in the sentence as given
    return value


@pytest.mark.parametrize(
    ("question", "sentence", "text", "key"),
    [
        ("كم قاضيا عينوا ورقوا بديوان المظالم؟", "أمراً ملكياً يقضي بتعيين وترقية ٢٥ قاضياً بديوان المظالم", "٢٥", "25"),
        ("كم عدد اليمنيين الذين صححت أوضاعهم؟", "أنه تم تصحيح أوضاع ٣٥٣٥٦٥ يمنيا، مشيرة إلى", "٣٥٣٥٦٥", "353565"),
        ("كم عدد اليمنيين الذين صححت أوضاعهم؟", "مساء هذا اليوم بلغ ( 354863 ) شخصا.", "354863", "354863"),
        ("كم عدد الزوار؟", "سجل المهرجان 1,250 زائرا", "1,250", "1250"),
        ("كم فرقة أخمدت حريق مستودع قطع الغيار بمكة؟", "تمكنت تسع فرق إطفاء وإنقاذ من إدارة الدفاع المدني", "تسع", "9"),
        ("كم شخصا توفوا في حادث الناقة؟", "لقي أربعة أشخاص مصرعهم وأصيب خمسة آخرون", "أربعة", "4"),
        ("كم جنديا أفغانيا قتلوا؟", "أسفرت غارة أميركية أمس عن مقتل عشرة جنود أفغان على الأقل", "عشرة", "10"),
        ("كم ضريحا أعيد بناؤه في تمبكتو؟", "أعاد عمال بناء تشييد ثمانية أضرحة دمرها متشددون", "ثمانية", "8"),
        (KILLED, "اعلن البيت الابيض ادانته الشديدة للاعتداء الانتحاري الذي اوقع ثلاثين قتيلا", "ثلاثين", "30"),
        ("كم زائرا لمهرجان عيدية في الأحساء؟", "مسجلا حضور أكثر من 9 آلاف زائر في يومه الثاني", "9 آلاف", "9000"),
        ("كم بلغت السحوبات النقدية؟", "67 مليارا سحوبات 16 ألف جهاز صرف بالمملكة", "67 مليارا", "67e9"),
        ("كم بلغ إجمالي القروض؟", "مؤسسة النقد: 454.4 مليار ريال قدمتها", "454.4 مليار ريال", "454.4e9 SAR"),
        (INJURED, "الاعتداء الانتحاري الذي اوقع ثلاثين قتيلا على الاقل ونحو مئة جريح الاثنين", "مئة", "100"),
        (INJURED, "الهجوم أسفر عن 31 قتيلا على الاقل وحوالى مائة جريح.", "مائة", "100"),
        ("كم طائرة رافال تسلمت مصر؟", "تسلمت مصر اليوم (الاثنين) أول ثلاث من 24 طائرة «رافال»", "ثلاث", "3"),
    ],
)
def test_number_forms_and_the_asked_one(question: str, sentence: str, text: str, key: str) -> None:
    value = first(question, sentence)
    assert (value.kind, value.text, value.key) == ("number", text, key)


def test_killed_and_injured_in_one_sentence() -> None:
    sentence = "أسفر عن مقتل 30 شخصاً وإصابة نحو 100 يعالجون في مستشفيات محلية."
    assert first(KILLED, sentence).key == "30"
    assert first(INJURED, sentence).key == "100"
    seed = "قتل 3 أشخاص وأصيب 22 آخرون بجروح، أمس، إثر سقوط قذائف هاون"  # data/articles/003
    assert first("كم شخصا قتلوا في دمشق؟", seed).key == "3"
    assert first("كم شخصا أصيبوا في دمشق؟", seed).key == "22"
    assert [v.key for v in asked_values(INJURED, "27 قتيلاً بانفجار في بلدة تركية")] == []


def test_the_questions_own_numbers_percentages_and_years_are_not_answers() -> None:
    question = "كم بلغت إيرادات شركات الاتصالات السعودية في 2014؟"
    sentence = "تراجع إجمالي الإيرادات في نهاية عام 2014 بنسبة 3% مقارنة بعام 2013م لتبلغ 68.18 مليار ريال."
    assert [v.key for v in asked_values(question, sentence)][:1] == ["68.18e9 SAR"]
    assert {"2014", "2013"}.isdisjoint(v.key for v in asked_values(question, sentence))
    clock = "حتى الساعة 5:30 مساء هذا اليوم بلغ (354863) شخصا"
    assert [v.key for v in asked_values("كم عدد اليمنيين الذين صححت أوضاعهم؟", clock)] == ["354863"]


def test_money_agrees_across_pegged_currencies_and_rounding() -> None:
    revenue = "كم بلغت إيرادات شركات الاتصالات؟"
    riyals = first(revenue, "بلغت 68.18 مليار ريال بنهاية 2014")
    dollars = first(revenue, "تراجع إيرادات شركات الاتصالات في السعودية بنسبة 3% لتبلغ 18 مليار دولار")
    assert dollars.unit == "USD" and riyals.unit == "SAR"
    assert same_value(riyals, dollars)
    loans = "كم بلغ إجمالي القروض؟"
    assert same_value(first(loans, "بلغ 454.4 مليار ريال"), first(loans, "تقدم قروضا بـ121 مليار دولار"))
    assert not same_value(first(loans, "بلغ 454.4 مليار ريال"), first(loans, "تقدم قروضا بـ125 مليار دولار"))
    surplus = "كم بلغ صافي فائض غرفة الشرقية؟"
    assert same_value(first(surplus, "29.5 مليون ريال صافي فائض"), first(surplus, "فائض يصل إلى 30 مليون ريال"))
    assert not same_value(first(surplus, "29.5 مليون ريال صافي فائض"), first(surplus, "فائض 31 مليون ريال"))
    atm = "كم بلغت السحوبات؟"
    assert same_value(first(atm, "67 مليار ريال سحوبات الصرف الآلي"), first(atm, "السحوبات تتجاوز 67 مليارا"))


@pytest.mark.parametrize(
    ("question", "a", "b"),
    [
        (KILLED, "أسفر عن سقوط 27 قتيلا.", "أوقع 30 قتيلا على الأقل"),
        ("كم مصابا في حادث الحافلة؟", "لإسعاف 50 مصابا فجر أمس", "لإسعاف 52 مصابا في انقلاب حافلة"),
        ("كم عدد اليمنيين؟", "بلغ 354863 شخصا", "تصحيح أوضاع ٣٥٣٥٦٥ يمنيا"),
        ("كم زائرا للمهرجان؟", "9 آلاف زائر لمهرجان عيدية", "7 آلاف زائر يطلقون «عيدية»"),
        ("كم سيارة فجرت في غزة؟", "تفجير 5 سيارات لناشطين", "تفجير 6 سيارات عسكرية"),
    ],
)
def test_exact_counts_differ(question: str, a: str, b: str) -> None:
    assert not same_value(first(question, a), first(question, b))


def test_counts_written_differently_agree() -> None:
    cars = "كم سيارة فجرت في غزة؟"
    assert same_value(first(cars, "تفجير 5 سيارات لناشطين"), first(cars, "انفجار خمس سيارات لناشطين"))
    sermons = "كم خطبة تضم موسوعة خطب الجمعة؟"
    assert same_value(first(sermons, "تحتوي على (77) خطبة شاملة"), first(sermons, "التي تضم 77 خطبة"))
    assert same_value(first(INJURED, "ونحو 100 جريح"), first(INJURED, "وحوالى مائة جريح"))


def test_hijri_and_gregorian_dates_agree() -> None:
    question = "متى تنتهي مهلة تصحيح أوضاع اليمنيين؟"
    hijri = first(question, "بتمديد فترة تصحيح أوضاع الأخوة اليمنيين حتى 1436/10/30 هـ .")
    month_name = first(question, "مشيرة إلى أن مهلة التصحيح تنتهي في 30 شوال الجاري.")
    gregorian = first(question, "تنتهي المهلة في 15 أغسطس (آب) المقبل")
    assert (hijri.key, hijri.calendar, hijri.year_inferred) == ("2015-08-15", "hijri", False)
    assert (month_name.key, month_name.year_inferred) == ("2015-08-15", True)
    assert gregorian.text == "15 أغسطس" and gregorian.key == "2015-08-15"
    assert same_value(hijri, month_name) and same_value(hijri, gregorian)
    assert first(question, "تنتهي المهلة في 29 شوال", published="2016-07-21").key == "2016-08-03"  # 1437 AH
    assert asked_values(question, "تنتهي المهلة في 30 شوال", published="2016-07-21") == []  # Shawwal 1437: 29 days
    assert not same_value(gregorian, first(question, "تنتهي المهلة في 16 أغسطس"))
    assert asked_values(question, "تنتهي المهلة في 30 شوال", published=None) == []  # no year to give it


def test_name_variants_agree() -> None:
    question = "ما اسم الضابط الإماراتي الذي استشهد في عملية إعادة الأمل؟"
    titled = first(question, 'عن استشهاد ضابط الصف سيف يوسف أحمد الفلاسي اثناء تأديته واجبه في عملية "إعادة الأمل"')
    quoted = first(question, 'استشهاد أحد أبنائها البواسل "سيف يوسف الفلاسي "برتبه ضابط صف')
    assert titled.text == "سيف يوسف أحمد الفلاسي" and titled.key == "سيف يوسف احمد الفلاسي"
    assert quoted.text == "سيف يوسف الفلاسي"
    assert same_value(titled, quoted)
    other = first(question, 'استشهاد أحد أبنائها البواسل "سيف علي الفلاسي" برتبه ضابط صف')
    assert not same_value(titled, other)
    assert not same_value(titled, first(question, 'استشهاد البواسل "سيف يوسف أحمد" برتبه ضابط صف'))


def test_a_toll_counted_in_soldiers_is_still_a_toll() -> None:
    """«قتل أكثر من 300 عسكري»: the noun after the number names who, the verb before it what happened."""
    found = asked_values("كم عدد القتلى في سوريا؟", "وتدمير عدد من الآليات العسكرية وقتل أكثر من 300 عسكري، كما سيطروا")
    assert found and found[0].key == "300" and found[0].score >= 1.5
    found = asked_values("كم جريحا سقط؟", "وقتل أكثر من 300 عسكري وأصيب نحو 40 مدنيا")
    assert found and found[0].key == "40"


def test_a_name_before_its_role_or_after_led_by_is_read() -> None:
    before = asked_values("من هو قائد لواء التوحيد؟", "وصرح عبد القادر الصالح قائد لواء التوحيد بأن النظام أصدر تعليمات")
    assert [v.text for v in before][:1] == ["عبد القادر الصالح"]
    led = asked_values("من يرأس الوفد؟", "وصل إلى جنيف وفد المعارضة برئاسة أحمد الجربا أمس")
    assert [v.text for v in led][:1] == ["أحمد الجربا"]
    assert asked_values("من هو قائد لواء التوحيد؟", "قال قائد اللواء إن المعارك مستمرة") == []
