"""Small lists of Swedish names with rough weights (per mille of the population,
after SCB's name statistics), enough for realistic repetition: "Anna" and
"Andersson" are as common in the seeded registry as they are in Sweden."""

FEMALE_FIRST = {
    "Anna": 28, "Eva": 22, "Maria": 21, "Karin": 19, "Kristina": 18, "Lena": 16,
    "Sara": 14, "Kerstin": 13, "Emma": 13, "Ingrid": 12, "Marie": 12, "Malin": 11,
    "Jenny": 10, "Birgitta": 10, "Hanna": 10, "Linnea": 9, "Elin": 9, "Sofia": 9,
    "Annika": 8, "Susanne": 8, "Johanna": 8, "Inger": 8, "Ida": 8, "Ulla": 7,
    "Camilla": 7, "Elsa": 6, "Julia": 6, "Alice": 6, "Maja": 6, "Astrid": 5,
    "Åsa": 5, "Ebba": 5, "Märta": 3, "Siv": 3, "Gunnel": 3, "Wilma": 4, "Saga": 4,
    "Fatima": 3, "Amina": 2, "Leila": 2, "Yasmin": 2, "Mirja": 1, "Aino": 1,
}
MALE_FIRST = {
    "Lars": 25, "Mikael": 23, "Anders": 22, "Johan": 21, "Per": 19, "Erik": 19,
    "Karl": 18, "Peter": 17, "Jan": 17, "Thomas": 15, "Daniel": 14, "Fredrik": 13,
    "Hans": 13, "Andreas": 12, "Stefan": 12, "Mats": 11, "Bengt": 10, "Magnus": 10,
    "Nils": 10, "Oskar": 9, "Lucas": 8, "William": 8, "Hugo": 8, "Elias": 7,
    "Alexander": 7, "Axel": 7, "Olle": 5, "Göran": 6, "Björn": 6, "Åke": 5,
    "Sven": 6, "Gustav": 6, "Liam": 5, "Noah": 5, "Ali": 3, "Mohammed": 4,
    "Ahmed": 3, "Omar": 2, "Jonas": 6, "Emil": 6, "Viktor": 5, "Tobias": 4,
}
LAST = {
    "Andersson": 22, "Johansson": 22, "Karlsson": 21, "Nilsson": 17, "Eriksson": 16,
    "Larsson": 15, "Olsson": 13, "Persson": 13, "Svensson": 12, "Gustafsson": 11,
    "Pettersson": 10, "Jonsson": 9, "Jansson": 7, "Hansson": 6, "Bengtsson": 5,
    "Jönsson": 5, "Lindberg": 4, "Jakobsson": 4, "Magnusson": 4, "Lindström": 4,
    "Olofsson": 4, "Lindqvist": 4, "Lindgren": 4, "Berg": 4, "Axelsson": 4,
    "Bergström": 3, "Lundberg": 3, "Lind": 3, "Lundgren": 3, "Lundqvist": 3,
    "Mattsson": 3, "Berglund": 3, "Fredriksson": 3, "Sandberg": 3, "Henriksson": 3,
    "Forsberg": 3, "Sjöberg": 3, "Wallin": 3, "Ali": 3, "Engström": 3, "Mohamed": 3,
    "Eklund": 3, "Danielsson": 3, "Lundin": 2, "Håkansson": 2, "Björk": 2,
    "Bergman": 2, "Gunnarsson": 2, "Holm": 2, "Wikström": 2, "Samuelsson": 2,
    "Isaksson": 2, "Fransson": 2, "Bergqvist": 2, "Nyström": 2, "Holmberg": 2,
    "Arvidsson": 2, "Löfgren": 2, "Söderberg": 2, "Nyberg": 2, "Blomqvist": 2,
    "Claesson": 2, "Nordström": 2, "Mårtensson": 2, "Lundström": 2, "Ahmed": 2,
    "Viklund": 2, "Björklund": 2, "Eliasson": 2, "Pålsson": 2, "Berggren": 2,
    "Sandström": 2, "Lund": 2, "Nordin": 2, "Ström": 2, "Åberg": 2, "Hermansson": 2,
    "Ekström": 2, "Holmgren": 2, "Sundberg": 2, "Hedlund": 2, "Dahlberg": 2,
    "Hellström": 2, "Sjögren": 2, "Abrahamsson": 2, "Falk": 2, "Öberg": 2,
    "Andreasson": 2, "Blom": 2, "Ek": 2, "Månsson": 2, "Strand": 2, "Lindholm": 2,
    "Åkesson": 1, "Hassan": 1, "Nikolić": 1, "Kovač": 1, "Nguyen": 1, "Virtanen": 1,
}
GUARDIAN_FIRST = ["Anna", "Maria", "Lars", "Ahmed", "Fatima", "Johan", "Sara", "Erik"]
EMAIL_DOMAINS = {
    # Reserved .example names: a seeded address can never reach a real mailbox.
    "post.example": 30, "mejl.example": 25, "bredband.example": 15, "hemma.example": 10,
    "skolan.example": 8, "kommun.example": 7, "uni.example": 5,
}
LIBRARY_WORDS = ["stadsbibliotek", "bibliotek", "folkbibliotek", "kommunbibliotek"]
BRANCH_WORDS = ["Centrum", "Norr", "Söder", "Öster", "Väster", "Hamnen", "Torget", "Skogen"]
