"""placeholder"""
from . import data, checks

def validate_all():
    checks.load_figures()
    data.load_exclusions()
