"""Name pools of the independent registrations (bench.linkage.independent): Dari and Pashto
given names with their Arabic-script spelling, family and tribal names, and rough frequencies.

Written from knowledge of Afghan naming, not from the project's other generators. A weight is
a relative frequency inside its pool; a few names are very common, as in any Afghan list.
"""

from __future__ import annotations

# (common English spelling, Arabic script, weight). The English spelling is the pivot from
# which every transliteration habit is derived; it is never the "true" spelling.
SIMPLE_MALE: list[tuple[str, str, float]] = [
    ("Ahmad", "احمد", 30), ("Mahmood", "محمود", 9), ("Hamid", "حمید", 9), ("Rahim", "رحیم", 5),
    ("Karim", "کریم", 7), ("Nabi", "نبی", 4), ("Wali", "ولی", 5), ("Ali", "علی", 14),
    ("Hasan", "حسن", 8), ("Hussain", "حسین", 8), ("Omar", "عمر", 6), ("Yousuf", "یوسف", 8),
    ("Yaqub", "یعقوب", 3), ("Ismail", "اسماعیل", 6), ("Ibrahim", "ابراهیم", 5),
    ("Ishaq", "اسحاق", 3), ("Musa", "موسی", 4), ("Idris", "ادریس", 3), ("Jawad", "جواد", 5),
    ("Jawid", "جاوید", 8), ("Jamshid", "جمشید", 5), ("Farid", "فرید", 8), ("Fawad", "فواد", 5),
    ("Farhad", "فرهاد", 6), ("Fahim", "فهیم", 5), ("Nasir", "ناصر", 7), ("Qadir", "قادر", 4),
    ("Rashid", "رشید", 6), ("Sharif", "شریف", 5), ("Zaher", "ظاهر", 5), ("Tahir", "طاهر", 3),
    ("Bashir", "بشیر", 7), ("Nazir", "نذیر", 4), ("Shafiq", "شفیق", 5), ("Rafiq", "رفیق", 4),
    ("Tariq", "طارق", 5), ("Khalid", "خالد", 6), ("Walid", "ولید", 2), ("Amin", "امین", 6),
    ("Amir", "امیر", 5), ("Aziz", "عزیز", 6), ("Habib", "حبیب", 5), ("Hakim", "حکیم", 3),
    ("Jalil", "جلیل", 3), ("Jamil", "جمیل", 4), ("Kabir", "کبیر", 3), ("Latif", "لطیف", 3),
    ("Majid", "مجید", 3), ("Mansoor", "منصور", 5), ("Masood", "مسعود", 6),
    ("Mujtaba", "مجتبی", 3), ("Mustafa", "مصطفی", 6), ("Murtaza", "مرتضی", 3),
    ("Nawid", "نوید", 5), ("Omid", "امید", 6), ("Qasim", "قاسم", 4), ("Rahmat", "رحمت", 3),
    ("Sabir", "صابر", 2), ("Sadiq", "صادق", 4), ("Saeed", "سعید", 4), ("Salim", "سلیم", 4),
    ("Shakib", "شکیب", 3), ("Sohrab", "سهراب", 3), ("Suhail", "سهیل", 3), ("Wahid", "وحید", 6),
    ("Yasin", "یاسین", 4), ("Zubair", "زبیر", 4), ("Zia", "ضیا", 3), ("Mirwais", "میرویس", 5),
    ("Ajmal", "اجمل", 5), ("Akmal", "اکمل", 2), ("Asad", "اسد", 3), ("Atal", "اتل", 2),
    ("Baryalai", "بریالی", 2), ("Dawood", "داوود", 5), ("Ehsan", "احسان", 5),
    ("Elyas", "الیاس", 3), ("Emal", "ایمل", 3), ("Fazal", "فضل", 3), ("Ghani", "غنی", 2),
    ("Haroon", "هارون", 4), ("Hedayat", "هدایت", 2), ("Hekmat", "حکمت", 3),
    ("Homayoun", "همایون", 2), ("Iqbal", "اقبال", 2), ("Khalil", "خلیل", 4),
    ("Khushal", "خوشحال", 2), ("Malik", "ملک", 2), ("Matin", "متین", 3), ("Nazar", "نظر", 2),
    ("Obaid", "عبید", 2), ("Parwiz", "پرویز", 3), ("Qais", "قیس", 2), ("Rasool", "رسول", 4),
    ("Samir", "سمیر", 2), ("Shoaib", "شعیب", 3), ("Sultan", "سلطان", 3), ("Tamim", "تمیم", 3),
    ("Yama", "یما", 2), ("Zalmai", "زلمی", 2), ("Zarif", "ظریف", 2), ("Hashmat", "حشمت", 2),
    ("Hamza", "حمزه", 3), ("Bilal", "بلال", 3), ("Nasrat", "نصرت", 2), ("Mujib", "مجیب", 2),
    ("Munir", "منیر", 2), ("Qudrat", "قدرت", 2), ("Sherzad", "شیرزاد", 2), ("Reza", "رضا", 3),
    ("Jafar", "جعفر", 2), ("Mahdi", "مهدی", 3), ("Sakhi", "سخی", 2), ("Aref", "عارف", 3),
    ("Naeem", "نعیم", 3), ("Asif", "آصف", 3), ("Zaman", "زمان", 2), ("Ayub", "ایوب", 3),
    ("Nasim", "نسیم", 2), ("Shafi", "شفیع", 2), ("Haidar", "حیدر", 3), ("Sarwar", "سرور", 2),
    ("Farooq", "فاروق", 3), ("Osman", "عثمان", 3), ("Abdullah", "عبدالله", 14),
]

# Second parts after Abdul (servant of ...), "Abdul Rahman" and its many spellings.
ABDUL_PARTS: list[tuple[str, str, float]] = [
    ("Rahman", "رحمان", 8), ("Rahim", "رحیم", 5), ("Karim", "کریم", 3), ("Ghafoor", "غفور", 4),
    ("Wahid", "واحد", 3), ("Hadi", "هادی", 3), ("Qadir", "قادر", 4), ("Basir", "بصیر", 3),
    ("Jabbar", "جبار", 2), ("Latif", "لطیف", 3), ("Hakim", "حکیم", 3), ("Majid", "مجید", 2),
    ("Aziz", "عزیز", 3), ("Baqi", "باقی", 3), ("Ghani", "غنی", 4), ("Haq", "حق", 4),
    ("Malik", "ملک", 3), ("Qayum", "قیوم", 3), ("Salam", "سلام", 3), ("Samad", "صمد", 3),
    ("Wahab", "وهاب", 3), ("Razaq", "رزاق", 3), ("Hamid", "حمید", 3), ("Matin", "متین", 2),
    ("Shakoor", "شکور", 3), ("Sattar", "ستار", 3), ("Bari", "باری", 2), ("Jalil", "جلیل", 2),
    ("Raouf", "رئوف", 3), ("Nasir", "ناصر", 2), ("Khaliq", "خالق", 2), ("Mannan", "منان", 2),
]

# First parts of X-ullah names ("Zabihullah", written joined in Dari: ذبیح‌الله).
ULLAH_PARTS: list[tuple[str, str, float]] = [
    ("Zabih", "ذبیح", 6), ("Sami", "سمیع", 7), ("Hamd", "حمد", 3), ("Rahmat", "رحمت", 5),
    ("Najib", "نجیب", 6), ("Habib", "حبیب", 5), ("Hayat", "حیات", 4), ("Aman", "امان", 5),
    ("Asad", "اسد", 4), ("Ehsan", "احسان", 4), ("Fazl", "فضل", 4), ("Hekmat", "حکمت", 3),
    ("Inayat", "عنایت", 4), ("Kalim", "کلیم", 3), ("Lutf", "لطف", 3), ("Naqib", "نقیب", 3),
    ("Nasr", "نصر", 3), ("Noor", "نور", 6), ("Obaid", "عبید", 3), ("Rafi", "رفیع", 4),
    ("Roh", "روح", 4), ("Saif", "سیف", 3), ("Sana", "ثنا", 3), ("Shafi", "شفیع", 3),
    ("Sharaf", "شرف", 2), ("Wali", "ولی", 3), ("Zia", "ضیا", 4), ("Izzat", "عزت", 3),
    ("Karam", "کرم", 2), ("Khair", "خیر", 3), ("Mati", "مطیع", 3), ("Qudrat", "قدرت", 2),
    ("Ata", "عطا", 3), ("Hazrat", "حضرت", 2), ("Hashmat", "حشمت", 2), ("Wahid", "وحید", 2),
]

# First parts of X-uddin names ("Nizamuddin", نظام‌الدین).
UDDIN_PARTS: list[tuple[str, str, float]] = [
    ("Nizam", "نظام", 3), ("Salah", "صلاح", 3), ("Jalal", "جلال", 3), ("Kamal", "کمال", 3),
    ("Shams", "شمس", 3), ("Najm", "نجم", 2), ("Ala", "علا", 2), ("Qutb", "قطب", 2),
    ("Moin", "معین", 2), ("Fakhr", "فخر", 2), ("Zahir", "ظهیر", 2), ("Sharaf", "شرف", 2),
    ("Ghias", "غیاث", 2), ("Hisam", "حسام", 2), ("Gulb", "گلب", 1), ("Burhan", "برهان", 2),
]

# "Mohammad X": the first part is often left out in daily use and on some lists.
MOHAMMAD_SECONDS: list[tuple[str, str, float]] = [
    ("Ali", "علی", 5), ("Nabi", "نبی", 4), ("Yousuf", "یوسف", 3), ("Ismail", "اسماعیل", 3),
    ("Hasan", "حسن", 3), ("Omar", "عمر", 3), ("Dawood", "داوود", 3), ("Karim", "کریم", 3),
    ("Zaher", "ظاهر", 3), ("Amin", "امین", 3), ("Rafi", "رفیع", 3), ("Nasim", "نسیم", 3),
    ("Shafi", "شفیع", 2), ("Qasim", "قاسم", 3), ("Aref", "عارف", 3), ("Jawad", "جواد", 2),
    ("Zaman", "زمان", 2), ("Sadiq", "صادق", 2), ("Wali", "ولی", 2), ("Ibrahim", "ابراهیم", 2),
    ("Ayub", "ایوب", 2), ("Ishaq", "اسحاق", 2), ("Naeem", "نعیم", 3), ("Asif", "آصف", 3),
    ("Hanif", "حنیف", 2), ("Younus", "یونس", 2), ("Reza", "رضا", 2), ("Akbar", "اکبر", 2),
    ("Sharif", "شریف", 2), ("Tahir", "طاهر", 2), ("Hashim", "هاشم", 2), ("Idris", "ادریس", 2),
]

# "X Mohammad" and "X Ahmad", "Gul X", "Ghulam X", "Sayed X", "X Shah", "X Khan", "X Jan".
PREFIXED_MALE: list[tuple[str, str, float]] = [
    ("Noor Mohammad", "نور محمد", 6), ("Gul Mohammad", "گل محمد", 5),
    ("Khan Mohammad", "خان محمد", 3), ("Dost Mohammad", "دوست محمد", 4),
    ("Shah Mohammad", "شاه محمد", 3), ("Sher Mohammad", "شیر محمد", 3),
    ("Faiz Mohammad", "فیض محمد", 3), ("Taj Mohammad", "تاج محمد", 3),
    ("Wali Mohammad", "ولی محمد", 3), ("Din Mohammad", "دین محمد", 3),
    ("Jan Mohammad", "جان محمد", 3), ("Pir Mohammad", "پیر محمد", 2),
    ("Sardar Mohammad", "سردار محمد", 2), ("Ali Mohammad", "علی محمد", 3),
    ("Yar Mohammad", "یار محمد", 2), ("Gul Ahmad", "گل احمد", 4), ("Gul Agha", "گل آغا", 3),
    ("Gul Rahman", "گل رحمان", 3), ("Gul Zaman", "گل زمان", 2), ("Gul Khan", "گل خان", 2),
    ("Ghulam Sakhi", "غلام سخی", 3), ("Ghulam Haidar", "غلام حیدر", 3),
    ("Ghulam Nabi", "غلام نبی", 3), ("Ghulam Rasool", "غلام رسول", 3),
    ("Ghulam Farooq", "غلام فاروق", 2), ("Ghulam Sarwar", "غلام سرور", 3),
    ("Ghulam Mohammad", "غلام محمد", 4), ("Ghulam Hussain", "غلام حسین", 3),
    ("Ghulam Ali", "غلام علی", 2), ("Ahmad Shah", "احمد شاه", 5), ("Zahir Shah", "ظاهر شاه", 2),
    ("Nadir Shah", "نادر شاه", 2), ("Jan Agha", "جان آغا", 2), ("Sher Khan", "شیر خان", 3),
    ("Alam Khan", "عالم خان", 2), ("Amir Jan", "امیر جان", 2), ("Sayed Agha", "سید آغا", 2),
    ("Mir Ahmad", "میر احمد", 3), ("Sayed Ahmad", "سید احمد", 4), ("Sayed Jawad", "سید جواد", 2),
    ("Sayed Mohammad", "سید محمد", 3), ("Mohammad Reza", "محمد رضا", 2),
    ("Ahmad Zia", "احمد ضیا", 2), ("Ahmad Jawid", "احمد جاوید", 2), ("Mir Wais", "میر ویس", 1),
]

ALLAH, AL_DIN = "الله", "الدین"  # the second parts of X-ullah and X-uddin names

# Weights of each family of male names in the whole population.
MALE_SHAPES = {"simple": 0.40, "mohammad": 0.20, "abdul": 0.12, "ullah": 0.14, "uddin": 0.03,
               "prefixed": 0.11}

FEMALE: list[tuple[str, str, float]] = [
    ("Fatima", "فاطمه", 12), ("Zainab", "زینب", 8), ("Maryam", "مریم", 10),
    ("Masooma", "معصومه", 6), ("Zahra", "زهرا", 7), ("Sakina", "سکینه", 4),
    ("Khadija", "خدیجه", 5), ("Aisha", "عایشه", 5), ("Amina", "آمنه", 5), ("Hawa", "حوا", 4),
    ("Bibi Gul", "بی بی گل", 4), ("Gul Bibi", "گل بی بی", 3), ("Gulalai", "گلالی", 5),
    ("Malalai", "ملالی", 5), ("Malala", "ملاله", 3), ("Zarghona", "زرغونه", 5),
    ("Zarmina", "زرمینه", 4), ("Shabnam", "شبنم", 5), ("Shakila", "شکیله", 5),
    ("Shukria", "شکریه", 4), ("Nafisa", "نفیسه", 4), ("Nargis", "نرگس", 5),
    ("Parwin", "پروین", 5), ("Farzana", "فرزانه", 5), ("Fawzia", "فوزیه", 4),
    ("Fariba", "فریبا", 4), ("Freshta", "فرشته", 5), ("Homa", "هما", 3), ("Hosai", "هوسۍ", 2),
    ("Lailuma", "لیلما", 3), ("Laila", "لیلا", 5), ("Mahbooba", "محبوبه", 4),
    ("Marzia", "مرضیه", 5), ("Mursal", "مرسل", 3), ("Mina", "مینا", 4), ("Nazifa", "نظیفه", 3),
    ("Nilofar", "نیلوفر", 4), ("Nooria", "نوریه", 4), ("Palwasha", "پلوشه", 4),
    ("Parisa", "پریسا", 3), ("Rahima", "رحیمه", 4), ("Razia", "رضیه", 4),
    ("Robina", "روبینا", 3), ("Roya", "رویا", 4), ("Sadia", "سعدیه", 3), ("Saima", "صائمه", 3),
    ("Sajida", "ساجده", 3), ("Salma", "سلما", 4), ("Sara", "سارا", 4), ("Sediqa", "صدیقه", 4),
    ("Shazia", "شازیه", 3), ("Shirin", "شیرین", 4), ("Sima", "سیما", 4),
    ("Soraya", "ثریا", 4), ("Spozhmai", "سپوږمۍ", 3), ("Storai", "ستورۍ", 2),
    ("Tahmina", "تهمینه", 3), ("Wahida", "وحیده", 3), ("Yalda", "یلدا", 3),
    ("Zakia", "زکیه", 4), ("Zohra", "زهره", 4), ("Zuhal", "زحل", 2), ("Zulaikha", "زلیخا", 4),
    ("Benazir", "بینظیر", 2), ("Basira", "بصیره", 3), ("Hamida", "حمیده", 4),
    ("Habiba", "حبیبه", 3), ("Karima", "کریمه", 3), ("Latifa", "لطیفه", 4),
    ("Mastura", "مستوره", 3), ("Nasima", "نسیمه", 4), ("Nadia", "نادیه", 3),
    ("Najiba", "نجیبه", 4), ("Rabia", "رابعه", 3), ("Samira", "سمیرا", 3),
    ("Sharifa", "شریفه", 4), ("Sultana", "سلطانه", 3), ("Wazhma", "وږمه", 3),
    ("Arezo", "آرزو", 4), ("Muzhgan", "مژگان", 4), ("Gulnaz", "گلناز", 3),
    ("Shafiqa", "شفیقه", 3), ("Fahima", "فهیمه", 3), ("Anisa", "انیسه", 3), ("Asma", "اسما", 3),
    ("Kobra", "کبری", 3), ("Sughra", "صغری", 3), ("Qamar", "قمر", 2), ("Nazia", "نازیه", 3),
    ("Mahjabin", "مهجبین", 2), ("Hasina", "حسینه", 3), ("Jamila", "جمیله", 4),
    ("Khatera", "خاطره", 3), ("Lima", "لیما", 2), ("Madina", "مدینه", 3),
    ("Nazanin", "نازنین", 3), ("Rahila", "راحله", 3), ("Rangina", "رنگینه", 3),
    ("Sanam", "صنم", 2), ("Setara", "ستاره", 4), ("Tamana", "تمنا", 4),
    ("Torpekai", "تورپیکۍ", 2), ("Zarifa", "ظریفه", 3), ("Zeba", "زیبا", 3),
]

# Family names: Pashtun tribal names (-zai, -khel), names from a place, and the "-i" names
# of Tajik, Hazara and urban families. A family without one is common outside the cities.
PASHTUN_FAMILY: list[tuple[str, str, float]] = [
    ("Ahmadzai", "احمدزی", 10), ("Popalzai", "پوپلزی", 5), ("Barakzai", "بارکزی", 5),
    ("Alokozai", "الکوزی", 4), ("Achakzai", "اچکزی", 4), ("Noorzai", "نورزی", 5),
    ("Ishaqzai", "اسحاق زی", 3), ("Mohammadzai", "محمدزی", 6), ("Stanekzai", "ستانکزی", 4),
    ("Sulaimankhel", "سلیمانخیل", 3), ("Kharoti", "خروتی", 3), ("Hotak", "هوتک", 3),
    ("Tokhi", "توخی", 3), ("Wardak", "وردک", 5), ("Safi", "صافی", 4), ("Shinwari", "شینواری", 5),
    ("Mangal", "منگل", 4), ("Zadran", "ځدراڼ", 3), ("Mohmand", "مومند", 4),
    ("Yousufzai", "یوسفزی", 3), ("Khogyani", "خوگیانی", 3), ("Sahak", "ساهک", 2),
    ("Niazi", "نیازی", 3), ("Kakar", "کاکړ", 3), ("Tarakai", "ترکی", 2), ("Andar", "اندړ", 2),
    ("Durrani", "درانی", 3), ("Popal", "پوپل", 2), ("Jalali", "جلالی", 2),
    ("Paktiawal", "پکتیاوال", 2), ("Logari", "لوگری", 2), ("Nangarhari", "ننگرهاری", 2),
]
OTHER_FAMILY: list[tuple[str, str, float]] = [
    ("Rahimi", "رحیمی", 5), ("Karimi", "کریمی", 5), ("Hashimi", "هاشمی", 5),
    ("Hussaini", "حسینی", 6), ("Sadat", "سادات", 5), ("Mohammadi", "محمدی", 8),
    ("Ahmadi", "احمدی", 9), ("Haidari", "حیدری", 4), ("Rezai", "رضایی", 4),
    ("Jafari", "جعفری", 4), ("Sultani", "سلطانی", 3), ("Azimi", "عظیمی", 4),
    ("Amiri", "امیری", 4), ("Akbari", "اکبری", 4), ("Rahmani", "رحمانی", 4),
    ("Habibi", "حبیبی", 4), ("Noori", "نوری", 5), ("Qaderi", "قادری", 3),
    ("Nazari", "نظری", 4), ("Sharifi", "شریفی", 3), ("Yousufi", "یوسفی", 3),
    ("Faizi", "فیضی", 3), ("Naseri", "ناصری", 3), ("Nawabi", "نوابی", 2),
    ("Kohistani", "کوهستانی", 3), ("Panjshiri", "پنجشیری", 3), ("Badakhshi", "بدخشی", 2),
    ("Herawi", "هروی", 3), ("Kabuli", "کابلی", 2), ("Balkhi", "بلخی", 2),
    ("Sherzad", "شیرزاد", 2), ("Safari", "صفری", 2), ("Wahidi", "وحیدی", 2),
    ("Zahiri", "ظهیری", 2), ("Hakimi", "حکیمی", 3), ("Rasuli", "رسولی", 3),
    ("Omari", "عمری", 2), ("Atayee", "عطایی", 2), ("Saberi", "صابری", 2),
    ("Sediqi", "صدیقی", 3), ("Farahi", "فراهی", 2), ("Ghaznawi", "غزنوی", 2),
    ("Hazara", "هزاره", 2), ("Changezi", "چنگیزی", 2), ("Yaqubi", "یعقوبی", 2),
    ("Mirzad", "میرزاد", 1), ("Samadi", "صمدی", 3), ("Aslami", "اسلامی", 2),
]
