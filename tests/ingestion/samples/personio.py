"""Personio GET /xml?language=en: a <workzag-jobs> feed of <position> elements.

Models the structure Personio's developer docs ("Retrieving open job positions") and saved
feeds show: per position id, subcompany, office, additionalOffices/office, department,
recruitingCategory, name, jobDescriptions/jobDescription (name + CDATA HTML value),
employmentType (permanent, intern, trainee, freelance, temporary, working_student), seniority,
schedule (full-time, part-time), yearsOfExperience, occupationCategory, createdAt (ISO 8601).
"""

from __future__ import annotations


def feed(n: int = 2) -> bytes:
    positions = "".join(
        f"""
  <position>
    <id>{700 + i}</id>
    <subcompany>Acme Brau GmbH</subcompany>
    <office>Munich</office>
    <additionalOffices><office>Hamburg</office></additionalOffices>
    <department>Production</department>
    <recruitingCategory>Brewing</recruitingCategory>
    <name>Brewer {i} (m/w/d)</name>
    <jobDescriptions>
      <jobDescription>
        <name>Your tasks</name>
        <value><![CDATA[<p>Brew lager &amp; ale.</p>]]></value>
      </jobDescription>
      <jobDescription>
        <name>Your profile</name>
        <value><![CDATA[<ul><li>Apprenticeship</li></ul>]]></value>
      </jobDescription>
    </jobDescriptions>
    <employmentType>{"intern" if i else "permanent"}</employmentType>
    <seniority>experienced</seniority>
    <schedule>full-time</schedule>
    <yearsOfExperience>1-2</yearsOfExperience>
    <occupationCategory>production</occupationCategory>
    <createdAt>2026-11-0{i + 1}T08:15:00+01:00</createdAt>
  </position>"""
        for i in range(n)
    )
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return f"{head}<workzag-jobs>{positions}\n</workzag-jobs>".encode()
