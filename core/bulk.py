"""Many new rows of one model at once: the import's batches.

`create_many` is `bulk_create` for new rows, except on PostgreSQL, where the
rows go in by COPY, the fastest way into a table (docs/performance.md). With
`ids`, the rows' ids are drawn from the table's sequence first, so the objects
have them afterwards as bulk_create's would; without, the table numbers them.
Values are prepared by the fields as for an INSERT (`pre_save`,
`get_db_prep_save`), except where that changes nothing (`_how`); no signal is
sent, as with bulk_create. Call inside a transaction: a refused row (a unique
constraint) refuses the whole COPY.
"""

from django.db import connections, models, router

#: Field types whose attribute goes to psycopg as it is (exact types: a subclass may
#: prepare its values): for the values a model holds (str, bool, int, date, UUID)
#: their preparation changes nothing. A key goes as its id when its target does.
#: Any other field, a DateTimeField (auto_now, time zones) or a JSONField say, is
#: prepared by the field as for an INSERT.
_AS_IS = {
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.EmailField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
    models.UUIDField,
}


AS_IS, AWARE, PREPARE = range(3)


def _how(field) -> int:
    """How a field's value goes into the COPY: as it is; as it is when an aware
    datetime or None (a DateTimeField that sets nothing itself); or prepared."""
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return _how(field.target_field)
    if type(field) in _AS_IS:
        return AS_IS
    if type(field) is models.DateTimeField and not (field.auto_now or field.auto_now_add):
        return AWARE
    return PREPARE


def _value(obj, field, attname: str, how: int, connection):
    value = getattr(obj, attname)
    if how == AWARE and (value is None or value.tzinfo is not None):
        return value
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def create_many(model, objs: list, *, ids: bool = False) -> None:
    """`ids`: the objects need their ids afterwards (rows that others point at)."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return
    meta = model._meta
    # Without `ids`, the table's identity column numbers the rows.
    fields = [field for field in meta.concrete_fields if ids or not field.primary_key]
    quote = connection.ops.quote_name
    # wrap_database_errors: a refused row raises Django's IntegrityError, as an INSERT would.
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if ids:
            _draw_ids(cursor, meta, [obj for obj in objs if obj.pk is None])
        columns = ", ".join(quote(field.column) for field in fields)
        prepared = [(field, field.attname, _how(field)) for field in fields]
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        getattr(obj, attname)  # inline: the common path
                        if how == AS_IS
                        else _value(obj, field, attname, how, connection)
                        for field, attname, how in prepared
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _draw_ids(cursor, meta, objs: list) -> None:
    if not objs:
        return
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [meta.db_table, meta.pk.column, len(objs)],
    )
    for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
        obj.pk = pk
