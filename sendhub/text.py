"""Reading numbers typed or sent as text."""


def is_digits(text):
    """Whether text is one or more of the digits 0 to 9, so that int(text) reads it.

    str.isdigit() is not enough: it is also true of "²" and other digit-like characters,
    which int() refuses, so a code or an id typed as "²" was a server error."""
    return text.isascii() and text.isdigit()
