"""Bringing records in from outside: 12345 / 粤省心 work orders (`flask import-orders`)."""
