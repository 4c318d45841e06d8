import pytest
from cryptography.exceptions import InvalidTag

from services.common.personal_data import PersonalDataProtector

NUMBER = "11010519491231002X"


def test_encrypted_values_round_trip_and_never_show_the_plaintext():
    protector = PersonalDataProtector("a-test-secret")
    first = protector.encrypt(NUMBER, purpose="resident_id")
    second = protector.encrypt(NUMBER, purpose="resident_id")
    assert first != second
    assert NUMBER not in first
    assert protector.decrypt(first, purpose="resident_id") == NUMBER


def test_a_value_cannot_be_read_under_another_purpose_or_secret():
    token = PersonalDataProtector("a-test-secret").encrypt(NUMBER, purpose="resident_id")
    with pytest.raises(InvalidTag):
        PersonalDataProtector("a-test-secret").decrypt(token, purpose="mobile")
    with pytest.raises(InvalidTag):
        PersonalDataProtector("another-secret").decrypt(token, purpose="resident_id")


def test_lookup_hashes_are_stable_per_secret_and_purpose():
    protector = PersonalDataProtector("a-test-secret")
    assert protector.lookup_hash(NUMBER, purpose="resident_id") == protector.lookup_hash(
        NUMBER, purpose="resident_id"
    )
    assert protector.lookup_hash(NUMBER, purpose="resident_id") != protector.lookup_hash(
        NUMBER, purpose="mobile"
    )
    assert protector.lookup_hash(NUMBER, purpose="resident_id") != PersonalDataProtector("x").lookup_hash(
        NUMBER, purpose="resident_id"
    )
