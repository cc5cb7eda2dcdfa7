"""Enum helpers: enums that carry translatable labels and are stored by value."""

from __future__ import annotations

import enum

import sqlalchemy as sa


class LabelledEnum(str, enum.Enum):
    """A string enum whose members know their human label (lazily translated)."""

    def __new__(cls, value: str, label=None):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._label = label if label is not None else value
        return obj

    @property
    def label(self):
        """The label, translated when it is shown (a lazy string)."""
        return self._label

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls) -> list:
        """Options for a select or radio field, labels translated at render time."""
        from egi.forms import select_choices

        return select_choices((m.value, m.label) for m in cls)


def enum_column(enum_cls: type[enum.Enum], length: int = 32, name: str | None = None) -> sa.Enum:
    """A portable VARCHAR column holding the enum's values, checked by a constraint.

    `name` names the check constraint; give one when a table has two columns of one enum.
    """
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
        name=name or enum_cls.__name__.lower(),
    )
