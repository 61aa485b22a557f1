package registry

// Small tables of names the generator draws from. They are written here,
// not in data/, because each is short and read only by the code beside it.

// streetNames are names common in Iranian streets and squares.
var streetNames = []string{
	"امام خمینی", "انقلاب", "آزادی", "ولیعصر", "شهید بهشتی", "شهید مطهری", "طالقانی", "جمهوری اسلامی",
	"فردوسی", "حافظ", "سعدی", "شریعتی", "کارگر", "مولوی", "ستارخان", "دماوند", "پیروزی", "نواب",
	"شهید چمران", "شهید باهنر", "شهید رجایی", "امام رضا", "امام علی", "فاطمی", "کشاورز", "مصلی",
	"بهار", "گلستان", "نسترن", "یاس", "لاله", "نرگس", "صبا", "معلم", "دانشگاه", "بسیج", "پاسداران",
	"شهدا", "ایثار", "فجر", "بعثت", "غدیر", "قدس", "وحدت", "هفت تیر", "پانزده خرداد", "سی متری",
	"کمربندی", "ساحلی", "جانبازان", "آیت‌الله کاشانی", "شهید صدوقی", "ابوذر", "سلمان فارسی", "مالک اشتر",
	"خیام", "عطار", "نظامی", "مولانا", "پروین اعتصامی", "شهریار", "باباطاهر", "ابن سینا", "رازی",
}

// streetKinds open street names: most are خیابان, some a boulevard or a
// square.
var streetKinds = []string{"خیابان", "خیابان", "خیابان", "خیابان", "بلوار", "بلوار", "میدان", "بزرگراه"}

// alleyKinds open the second-level street.
var alleyKinds = []string{"کوچه", "کوچه", "کوچه", "بن‌بست", "خیابان", "کوی"}

// neighbourhoods are names of localities found in many Iranian cities.
var neighbourhoods = []string{
	"شهرک فرهنگیان", "کوی دانشگاه", "شهرک ولیعصر", "کوی کارمندان", "شهرک امام", "محله امامزاده",
	"کوی طالقانی", "شهرک بهاران", "محله بازار", "کوی نور", "شهرک مهر", "کوی زیتون", "محله سرچشمه",
	"شهرک پردیس", "کوی گلستان", "محله میدان", "شهرک آزادی", "کوی ولایت", "محله چهارباغ", "شهرک صنعتی",
}

// buildingWords name apartment buildings.
var buildingWords = []string{"ساختمان آفتاب", "مجتمع مسکونی گلها", "برج نگین", "ساختمان بهار", "مجتمع ارغوان",
	"ساختمان یاس", "برج میلاد", "مجتمع پارس", "ساختمان سپهر", "مجتمع کوثر"}

// vehicleModel is a car model common in Iran.
type vehicleModel struct {
	maker, model string
	wmi          string // the VIN's world manufacturer identifier
	from, to     int    // Jalali model years produced
	weight       int
}

var vehicleModels = []vehicleModel{
	{"ایران‌خودرو", "پژو ۲۰۶", "NAA", 1380, 1404, 14},
	{"ایران‌خودرو", "پژو ۴۰۵", "NAA", 1370, 1399, 10},
	{"ایران‌خودرو", "پژو پارس", "NAA", 1380, 1404, 9},
	{"ایران‌خودرو", "سمند", "NAA", 1381, 1400, 9},
	{"ایران‌خودرو", "دنا", "NAA", 1394, 1404, 6},
	{"ایران‌خودرو", "رانا", "NAA", 1391, 1402, 5},
	{"ایران‌خودرو", "تارا", "NAA", 1401, 1404, 3},
	{"ایران‌خودرو", "پژو ۲۰۷", "NAA", 1398, 1404, 5},
	{"سایپا", "پراید ۱۳۱", "NAS", 1380, 1399, 14},
	{"سایپا", "پراید ۱۱۱", "NAS", 1387, 1399, 4},
	{"سایپا", "تیبا", "NAS", 1388, 1404, 8},
	{"سایپا", "ساینا", "NAS", 1394, 1404, 4},
	{"سایپا", "کوییک", "NAS", 1396, 1404, 5},
	{"سایپا", "شاهین", "NAS", 1399, 1404, 3},
	{"پارس‌خودرو", "ال۹۰", "NAP", 1386, 1399, 3},
	{"مدیران‌خودرو", "ام‌وی‌ام ایکس۲۲", "NAM", 1395, 1404, 2},
	{"مدیران‌خودرو", "چری تیگو ۷", "NAM", 1397, 1404, 2},
	{"ایران‌خودرو", "هایما اس۷", "NAA", 1397, 1403, 1},
	{"ایران‌خودرو", "پیکان وانت", "NAA", 1370, 1394, 3},
	{"سایپا", "نیسان وانت", "NAZ", 1370, 1404, 2},
}

// vehicleColours are the colours of car registration papers.
var vehicleColours = []string{"سفید", "سفید", "سفید", "مشکی", "نقره‌ای", "نقره‌ای", "خاکستری", "نوک‌مدادی", "آبی", "قرمز", "سفید روغنی", "بژ"}

// plateLetters are the plate letters of private cars with the ASCII letter
// that stands for each in the canonical form of a plate.
var plateLetters = []struct{ fa, ascii string }{
	{"ب", "B"}, {"ج", "J"}, {"د", "D"}, {"س", "S"}, {"ص", "C"}, {"ط", "T"}, {"ق", "Q"},
	{"ل", "L"}, {"م", "M"}, {"ن", "N"}, {"و", "V"}, {"ه", "H"}, {"ی", "Y"},
}

// insurers sell compulsory third-party motor insurance.
var insurers = []struct{ code, name string }{
	{"11", "بیمه ایران"}, {"12", "بیمه آسیا"}, {"13", "بیمه البرز"}, {"14", "بیمه دانا"}, {"15", "بیمه پارسیان"},
	{"16", "بیمه ملت"}, {"17", "بیمه کوثر"}, {"18", "بیمه سامان"}, {"19", "بیمه معلم"}, {"21", "بیمه رازی"},
	{"22", "بیمه دی"}, {"23", "بیمه ما"}, {"24", "بیمه سینا"}, {"25", "بیمه تعاون"}, {"26", "بیمه پاسارگاد"},
}

// Education levels, in order.
var educationLevels = []struct{ code, fa string }{
	{"diploma", "دیپلم"}, {"associate", "کاردانی"}, {"bachelor", "کارشناسی"}, {"master", "کارشناسی ارشد"}, {"doctorate", "دکتری"},
}

// diplomaFields are the branches of upper secondary school.
var diplomaFields = []string{"ریاضی و فیزیک", "علوم تجربی", "علوم انسانی", "فنی و حرفه‌ای", "کار و دانش", "علوم و معارف اسلامی"}

// universityFields are common fields of study.
var universityFields = []string{
	"مهندسی کامپیوتر", "مهندسی برق", "مهندسی مکانیک", "مهندسی عمران", "مهندسی صنایع", "مهندسی شیمی",
	"حسابداری", "مدیریت بازرگانی", "اقتصاد", "حقوق", "روان‌شناسی", "علوم تربیتی", "زبان و ادبیات فارسی",
	"زبان انگلیسی", "پرستاری", "مامایی", "پزشکی", "داروسازی", "دندان‌پزشکی", "معماری", "ریاضی", "فیزیک",
	"شیمی", "زیست‌شناسی", "کشاورزی", "تربیت بدنی", "علوم سیاسی", "جامعه‌شناسی", "گرافیک", "آمار",
}

// universities grant degrees; the Azad, Payame Noor and applied science
// branches are named after the student's city.
var universities = []string{
	"دانشگاه تهران", "دانشگاه صنعتی شریف", "دانشگاه صنعتی امیرکبیر", "دانشگاه علم و صنعت ایران",
	"دانشگاه شهید بهشتی", "دانشگاه علامه طباطبایی", "دانشگاه تربیت مدرس", "دانشگاه فردوسی مشهد",
	"دانشگاه اصفهان", "دانشگاه صنعتی اصفهان", "دانشگاه شیراز", "دانشگاه تبریز", "دانشگاه گیلان",
	"دانشگاه مازندران", "دانشگاه رازی", "دانشگاه کردستان", "دانشگاه یزد", "دانشگاه شهید باهنر کرمان",
	"دانشگاه شهید چمران اهواز", "دانشگاه الزهرا", "دانشگاه خوارزمی", "دانشگاه بوعلی سینا",
}

// universityBranches are prefixed to a city name.
var universityBranches = []string{"دانشگاه آزاد اسلامی واحد ", "دانشگاه آزاد اسلامی واحد ", "دانشگاه پیام نور مرکز ",
	"دانشگاه جامع علمی کاربردی مرکز ", "دانشگاه فنی و حرفه‌ای آموزشکده "}

// schoolNames name high schools.
var schoolNames = []string{"دبیرستان شهید بهشتی", "دبیرستان فرزانگان", "دبیرستان علامه حلی", "دبیرستان امام خمینی",
	"دبیرستان شهید مطهری", "دبیرستان نمونه دولتی", "دبیرستان سمپاد", "هنرستان فنی شهید رجایی", "دبیرستان دخترانه فاطمیه",
	"دبیرستان پسرانه حکمت", "هنرستان کار و دانش", "دبیرستان غیردولتی فرهنگ"}

// companyWords build company names.
var companyWords = []string{"پارس", "آریا", "نوین", "البرز", "سپهر", "کوثر", "مهر", "ایران", "پیشگامان", "آینده",
	"سپید", "زاگرس", "دماوند", "خلیج فارس", "کیان", "آفتاب", "ستاره", "نگین", "تدبیر", "امید"}

// companyTrades name what companies do.
var companyTrades = []string{"بازرگانی", "فناوری اطلاعات", "ساختمانی", "صنایع غذایی", "حمل و نقل", "مهندسی مشاور",
	"تولیدی", "پخش", "خدمات مالی", "نرم‌افزار", "کشاورزی", "داروسازی", "تجهیزات پزشکی", "گردشگری", "انرژی"}

// companyKinds are the legal forms of legal persons, with their share.
var companyKinds = []struct {
	fa     string
	weight int
}{{"سهامی خاص", 45}, {"با مسئولیت محدود", 35}, {"سهامی عام", 3}, {"تعاونی", 10}, {"مؤسسه غیرتجاری", 7}}

// Company statuses.
var companyStatuses = []struct{ code, fa string }{{"active", "فعال"}, {"dissolved", "منحل شده"}, {"liquidation", "در حال تصفیه"}}

// signatoryRoles are the roles of those who sign for a company.
var signatoryRoles = []string{"رئیس هیئت مدیره", "نایب رئیس هیئت مدیره", "عضو هیئت مدیره", "مدیر عامل"}

// foreignNames are names of foreign nationals in Persian and Latin script.
var foreignMale = [][2]string{{"احمد", "Ahmad"}, {"محمد", "Mohammad"}, {"علی", "Ali"}, {"حسین", "Hossein"}, {"عبدالله", "Abdullah"},
	{"نورالله", "Noorullah"}, {"گل‌محمد", "Gul Mohammad"}, {"رحیم", "Rahim"}, {"کریم", "Karim"}, {"جواد", "Javad"},
	{"مصطفی", "Mustafa"}, {"حیدر", "Haidar"}, {"عباس", "Abbas"}, {"ظاهر", "Zaher"}, {"قاسم", "Qasim"}, {"عمران", "Imran"}}
var foreignFemale = [][2]string{{"فاطمه", "Fatemeh"}, {"زهرا", "Zahra"}, {"مریم", "Maryam"}, {"شکریه", "Shukria"}, {"گل‌بی‌بی", "Gul Bibi"},
	{"زینب", "Zainab"}, {"معصومه", "Masoumeh"}, {"نرگس", "Narges"}, {"رقیه", "Roqayya"}, {"آمنه", "Amina"}, {"حلیمه", "Halima"}}
var foreignSurnames = [][2]string{{"احمدی", "Ahmadi"}, {"حیدری", "Haidari"}, {"رحیمی", "Rahimi"}, {"نوری", "Noori"}, {"محمدی", "Mohammadi"},
	{"حسینی", "Hosseini"}, {"کریمی", "Karimi"}, {"جعفری", "Jafari"}, {"رضایی", "Rezaei"}, {"عزیزی", "Azizi"}, {"صدیقی", "Siddiqui"},
	{"الموسوی", "Al-Mousawi"}, {"الحسینی", "Al-Husseini"}, {"خان", "Khan"}, {"قریشی", "Qureshi"}, {"یوسفزی", "Yousafzai"}}

// nationalities of foreign nationals, weighted as they live in Iran.
var nationalities = []struct {
	fa, en, iso string
	weight      int
}{{"افغانستان", "Afghanistan", "AFG", 85}, {"عراق", "Iraq", "IRQ", 8}, {"پاکستان", "Pakistan", "PAK", 4},
	{"سوریه", "Syria", "SYR", 1}, {"ترکیه", "Turkey", "TUR", 1}, {"جمهوری آذربایجان", "Azerbaijan", "AZE", 1}}
