"""The glossary: the German words for institutions, benefits and papers that families meet
on forms and door signs, each with one rendering per language and the renderings that
mislead.

A translation keeps the German term in brackets after its rendering ("child benefit
(Kindergeld)"), so that a family can match it to the letter from the Familienkasse; a
rendering that gives a wrong idea ("temporary job" for an Arbeitsgelegenheit, which pays
no wage) is named, so that a check finds it. The same matching answers the offer page's
question "which of these words does this text use?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BRACKETS = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Rendering:
    """A term in one language: the words to use (with the German in brackets), renderings
    that are wrong, and the term's explanation in that language where there is one."""

    use: str
    wrong: tuple[str, ...] = ()
    explanation: str | None = None


@dataclass(frozen=True, eq=False)
class Term:
    id: str
    german: str
    explanation: str
    """One plain line in German: what it is and what it means for a family."""
    forms: tuple[str, ...]
    """The German words that name it in a text: the term, its plural and compounds that
    begin with another word (Tagesmutter for Kindertagespflege)."""
    renderings: dict[str, Rendering] = field(default_factory=dict)
    phrase: bool = False
    """A phrase that is easily mistranslated ("auch für Partner"), not an institution:
    checked for wrong renderings only, no German in brackets, not explained on the page."""

    @property
    def pattern(self) -> re.Pattern:
        """The German forms at the start of a word; a compound that begins with one counts
        (Kita finds Kitas and Kita-Platz, Ausbildung finds Ausbildungsplatz), one that
        ends with one does not (Erste-Hilfe-Ausbildung is no apprenticeship)."""
        found = self.__dict__.get("_pattern")
        if found is None:
            forms = sorted(self.forms, key=len, reverse=True)
            found = re.compile(r"(?<![\w-])(?:" + "|".join(
                re.escape(form).replace(r"\ ", " ").replace(" ", r"\s+") for form in forms) + ")")
            object.__setattr__(self, "_pattern", found)
        return found

    def in_german(self, text: str | None) -> bool:
        if not text:
            return False
        # The first word of a form stands in the text as written wherever the pattern
        # matches: looking for it is many times faster than the pattern, and most texts
        # name few of the glossary's terms.
        probes = self.__dict__.get("_probes")
        if probes is None:
            probes = tuple({form.split()[0] for form in self.forms if form.split()})
            object.__setattr__(self, "_probes", probes)
        return any(p in text for p in probes) and bool(self.pattern.search(text))

    def kept_in(self, text: str, lang: str) -> bool:
        """Whether a translated text keeps the German term where a family can see it: in
        brackets ("Youth Welfare Office (Jugendamt)"), as part of a German name kept as it
        is ("Kita Regenbogen", "Jobcenter Wiesbrück"), or unbracketed where the language's
        rendering itself writes it so."""
        lowered = [" ".join(group.split()).casefold() for group in BRACKETS.findall(text)]
        if any(form.casefold() in group for form in self.forms for group in lowered):
            return True
        rendering = self.renderings.get(lang)
        if rendering and self.pattern.search(BRACKETS.sub("", rendering.use)):
            return bool(self.pattern.search(text))
        return any(_in_a_name(text, match) for match in self.pattern.finditer(text))

    def wrong_in(self, text: str, lang: str) -> list[str]:
        """The wrong renderings of the term that a translated text uses."""
        rendering = self.renderings.get(lang)
        if rendering is None:
            return []
        folded = text.casefold()
        return [wrong for wrong in rendering.wrong if wrong.casefold() in folded]

    def rendering(self, lang: str) -> str:
        """How the term reads in lang (German: the term itself)."""
        found = self.renderings.get(lang)
        return found.use if found else self.german

    def explanation_in(self, lang: str) -> tuple[str, bool]:
        """The explanation in lang, else the German one; and whether it is the German."""
        found = self.renderings.get(lang)
        if lang != "de" and found and found.explanation:
            return found.explanation, False
        return self.explanation, lang != "de"


_NAME_AFTER = re.compile(r"[\w'’-]*[ \u00a0]+(?:(?:am|im|an der|in der|auf der) )?[A-ZÄÖÜ]")


def _in_a_name(text: str, match: re.Match) -> bool:
    """Whether a German term is followed by another capitalised word, as in a proper name
    kept in German ("Kita Regenbogen", "Familienzentrum am Hafen", "Jobcenter Wiesbrück")."""
    return bool(_NAME_AFTER.match(text, match.end()))


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()

    @classmethod
    def from_records(cls, records: list[dict]) -> Glossary:
        """The glossary from its records (as the content gives them and the build keeps
        them)."""
        return cls(tuple(
            Term(id=r["id"], german=r["de"], explanation=r["explanation"],
                 forms=tuple(r.get("forms") or (r["de"],)), phrase=bool(r.get("phrase")),
                 renderings={lang: Rendering(use=x["use"], wrong=tuple(x.get("wrong") or ()),
                                             explanation=x.get("explanation"))
                             for lang, x in (r.get("languages") or {}).items()})
            for r in records))

    def terms_in(self, texts) -> list[Term]:
        """The terms (not phrases) that some German texts use, in the glossary's order:
        what the offer page explains."""
        texts = [t for t in texts if t]
        return [term for term in self.terms
                if not term.phrase and any(term.in_german(t) for t in texts)]

    def _terms_of(self, german: str | None) -> tuple[Term, ...]:
        """The terms and phrases a German text uses. A build checks each German text once
        per language: the last few answers are kept (a small dict, emptied when full)."""
        if not german:
            return ()
        seen = self.__dict__.setdefault("_seen", {})
        found = seen.get(german)
        if found is None:
            if len(seen) >= 64:
                seen.clear()
            found = seen[german] = tuple(t for t in self.terms if t.in_german(german))
        return found

    def problems(self, german: str | None, translated: str, lang: str) -> list[str]:
        """What is wrong with a translation of a German text, as far as the glossary
        knows: wrong renderings, and terms whose German is not kept in brackets."""
        found = []
        for term in self._terms_of(german):
            for wrong in term.wrong_in(translated, lang):
                found.append(f"{term.german!r} rendered as {wrong!r}; the glossary says "
                             f"{term.rendering(lang)!r}")
            if not term.phrase and not term.kept_in(translated, lang):
                found.append(f"{term.german!r} without the German in brackets; the glossary "
                             f"says {term.rendering(lang)!r}")
        return found
