"""A clerk's edits of a petition that reach beyond its own row: its window, its counts
by province, its sponsor's riding and caucus, and its former numbers."""

from django.db import transaction

from petitions.models import FormerNumber, ProvinceSignatureCount, SignatureWindow


@transaction.atomic
def petition_window_set(*, petition, opens_at, closes_at):
    """Give the petition this window, or none when both ends are None."""
    if opens_at is None or closes_at is None:
        SignatureWindow.objects.filter(petition=petition).delete()
        return None
    window, _ = SignatureWindow.objects.update_or_create(
        petition=petition, defaults={"opens_at": opens_at, "closes_at": closes_at}
    )
    return window


@transaction.atomic
def petition_province_counts_set(*, petition, counts):
    """Store the known counts ({province: count}); a province left out is unknown and
    has no row."""
    petition.province_counts.exclude(province__in=counts).delete()
    stored = dict(petition.province_counts.values_list("province", "signature_count"))
    for province, count in counts.items():
        if stored.get(province) != count:
            ProvinceSignatureCount.objects.update_or_create(
                petition=petition, province=province, defaults={"signature_count": count}
            )


def petition_sponsor_fill(*, petition):
    """Fill the sponsor's riding, caucus and province from the Member's current ones,
    where none of them is given: what the petition keeps is the Member as they were when
    they sponsored it, and today's values are the clerk's best start."""
    member = petition.sponsor
    if member is None or petition.sponsor_riding or petition.sponsor_caucus_id:
        return
    if petition.sponsor_province:
        return
    petition.sponsor_riding = member.riding
    petition.sponsor_caucus_id = member.caucus_id
    petition.sponsor_province = member.province


@transaction.atomic
def petition_renumbered(*, petition, former):
    """Keep the petition's former number, so that links to its old address find it; a
    number in use again is no longer a former one."""
    FormerNumber.objects.filter(number=petition.number).delete()
    if former and former != petition.number:
        FormerNumber.objects.update_or_create(number=former, defaults={"petition": petition})
