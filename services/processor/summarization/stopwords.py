"""Stop words per language, and a guess of the language from them.

Lists are deliberately modest (function words only): a missing stop word costs a little
ranking quality, a content word wrongly listed would hide a real keyword.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

_LISTS = {
    "en": """a about above after again against all also am an and any are as at be because
        been before being below between both but by can could did do does doing down during
        each few for from further had has have having he her here hers herself him himself his
        how however i if in into is it its itself just may me might more most must my myself
        no nor not now of off on once only or other our ours ourselves out over own same shall
        she should so some such than that the their theirs them themselves then there these
        they this those through to too under until up upon very was we were what when where
        which while who whom whose why will with within without would yet you your yours
        yourself yourselves one two many much every per via among around""",
    "de": """aber alle allem allen aller alles als also am an ander andere anderem anderen
        anderer anderes auch auf aus bei beim bin bis bist da damit dann das dass dein deine
        dem den denn der des dessen die dies diese diesem diesen dieser dieses doch dort du
        durch ein eine einem einen einer eines er es etwas euch euer für gegen hab habe haben
        hat hatte hätte ich ihm ihn ihnen ihr ihre im in ist jede jedem jeden jeder jedes
        jetzt kann kein keine können man manche mein meine mich mir mit muss nach nicht nichts
        noch nun nur ob oder ohne sehr sein seine sich sie sind so sollte sondern sonst über
        um und uns unser unter vom von vor war waren was weil welche wenn werden wie wieder
        will wir wird wo wurde wurden zu zum zur zwar zwischen je""",
    "fr": """à au aucun aussi autre aux avec avoir bon car ce cela celle celui ces cet cette
        ceux chaque comme comment dans de des du donc dont elle elles en encore entre est et
        été être eu fait faire il ils je la le les leur leurs lui ma mais me même mes moi mon
        ne ni nos notre nous on ont ou où par pas peu peut plus pour pourquoi qu que quel
        quelle quels qui sa sans se ses si son sont sous sur ta te tes toi ton tous tout
        toute toutes très tu un une vos votre vous était étaient sera ainsi après avant""",
    "es": """a al algo algunos ante antes como con contra cual cuando de del desde donde dos
        el él ella ellas ellos en entre era eran es esa esas ese eso esos esta estaba están
        estas este esto estos fue fueron ha habían han hasta hay la las le les lo los más me
        mi mis mucho muy nada ni no nos nosotros o otra otras otro otros para pero poco por
        porque que quien se sea ser si sí sin sino sobre su sus también tan te tiene todo
        todos tu un una uno unos y ya yo cada""",
    "it": """a ad al alla alle anche che chi ci come con da dal dalla de degli dei del della
        delle di e è ed gli ha hanno i il in io la le lei lo loro lui ma mi nel nella noi non
        o per più quale quando questa questo se si sono su sua suo tra tu un una uno""",
    "nl": """aan al als bij dan dat de der des deze die dit door een en er ge geen had heb
        hebben heeft het hier hij hoe hun ik in is je kan maar me men met mij mijn na naar
        niet nog nu of om onder ons ook op over te tegen toch tot u uit van veel voor want
        was wat we wel werd wie wij wordt zal ze zei zich zij zijn zo zonder""",
    "pt": """a ao aos as até com como da das de do dos e é ela elas ele eles em entre era
        essa esse esta este eu foi for há isso isto já lhe mais mas me mesmo meu minha muito
        na não nas nem no nos nós o os ou para pela pelo por qual quando que quem se sem ser
        seu sua são também te tem um uma você""",
}

STOP_WORDS: dict[str, frozenset[str]] = {
    code: frozenset(words.split()) for code, words in _LISTS.items()
}
ALL_STOP_WORDS: frozenset[str] = frozenset().union(*STOP_WORDS.values())


def guess_language(words: Iterable[str]) -> str | None:
    """The language whose stop words cover most of ``words`` (lowercase), if clearly so."""
    counts = Counter(words)
    total = sum(counts.values())
    if total < 8:
        return None
    scores = {code: sum(counts[w] for w in stops) for code, stops in STOP_WORDS.items()}
    best, best_hits = max(scores.items(), key=lambda item: item[1])
    runner_up = max(hits for code, hits in scores.items() if code != best)
    if best_hits < 0.1 * total or best_hits < 1.2 * runner_up:
        return None
    return best


def stop_words_for(language: str | None) -> frozenset[str]:
    """Stop words of ``language``; all known ones when the language is unknown."""
    if language is None:
        return ALL_STOP_WORDS
    return STOP_WORDS.get(language.lower()[:2], ALL_STOP_WORDS)
