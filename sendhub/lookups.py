"""Query lookups the project registers on Django's fields (SendhubConfig.ready)."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    """`in` on an integer column, leaving out values the column cannot hold.

    Django already treats an out-of-range value in `exact`, `gt`, `lt` and the like as
    matching nothing, but `in` sends it to the database, which stops the query with an
    error (SQLite: OverflowError; PostgreSQL: bigint out of range). A multiple-choice form
    field checks the ids a browser sent with `pk__in`, so a made-up id like
    99999999999999999999999 was a server error instead of "not one of the choices".
    """

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register():
    IntegerField.register_lookup(IntegerFieldIn)
